using System.Diagnostics;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Load.Dialects;
using OrleansRealtime.Bench.Load.Subscribers;

namespace OrleansRealtime.Bench.ScaleOut;

/// <summary>
/// Runs every gateway count <see cref="RunOptions.Runs"/> times, interleaved. Each run is a fresh cluster (Redis, the
/// silos, N gateways): subscribers spread evenly over the gateways, a publisher on the first; (a) saturation,
/// (b) fixed-rate latency, (c) with 2+ gateways, kill -9 of the last gateway while publishing continues: its clients
/// resume on the others with <c>since</c>, and a watched user of it must turn offline.
/// </summary>
internal sealed class ScaleOutBenchmark(ScaleOutOptions options, BenchPaths paths)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RecoveryTimeout = ScaleOutOptions.ResumeTimeout;

    public Task<List<ScaleOutRunResult>> RunAllAsync(CancellationToken cancellationToken)
    {
        // Interleaved runs "systems"; here a system is a gateway count.
        var systems = options.GatewayCounts.Select(g => new BenchSystem(Name(g), ServerKind.Gateway, SubscriberTransport.WebSocket)).ToList();
        var counts = options.GatewayCounts.ToDictionary(Name);
        return Interleaved.RunAsync(
            systems,
            options.Run.Runs,
            (system, run) => RunOneAsync(counts[system.Name], run, cancellationToken),
            (system, run, failure) => new ScaleOutRunResult { Gateways = counts[system.Name], Run = run, Failure = failure },
            r => r.Summary(),
            cancellationToken);
    }

    private static string Name(int gateways) => $"{gateways}-gateways";

    private async Task<ScaleOutRunResult> RunOneAsync(int gatewayCount, int run, CancellationToken cancellationToken)
    {
        using var cluster = await ScaleOutCluster.StartAsync(options, gatewayCount, paths, cancellationToken);
        var gateways = cluster.LiveGateways.ToList();
        var clock = new PhaseClock();
        using var subscribers = new SubscriberSet(options.Subscribers, clock, SubscriberTransport.WebSocket);
        var connect = await subscribers.ConnectAsync([.. gateways.Select(g => g.BaseUri)], options.Run.ConnectParallelism, cancellationToken);
        using var publisher = new Publisher(GatewayDialect.Frames, subscribers, options.Window, options.MaxLead);
        await publisher.ConnectAsync(gateways[0].BaseUri, cancellationToken);
        await Task.Delay(Settle, cancellationToken);
        Interleaved.Progress($"  {options.Subscribers} subscribers on {gatewayCount} gateway(s) connected in {connect.TotalSeconds:0.0} s");

        // (a) Saturation.
        double delivered, published;
        ClusterCpu cpu;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var publishing = publisher.RunSaturatedAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
            var (received0, published0, cpu0, started) = (subscribers.TotalReceived(), publisher.Published, cluster.Cpu(), Stopwatch.GetTimestamp());
            await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds), cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            (delivered, published, cpu) = ((subscribers.TotalReceived() - received0) / seconds, (publisher.Published - published0) / seconds, cluster.Cpu().Since(cpu0));
            cpu = cpu with { Gateways = cpu.Gateways / seconds, Silos = cpu.Silos / seconds, Redis = cpu.Redis / seconds };
            await stop.CancelAsync();
            await publishing;
        }

        await DrainAsync(publisher, subscribers, cancellationToken);

        // (b) Latency at a fixed share of saturation; only messages sent from here on are samples.
        var rate = Math.Max(1, published * options.RatePercent / 100);
        Interleaved.Progress($"  saturation {delivered:N0} delivered/s, {published:N0} published/s; latency phase at {rate:N0} msg/s");
        clock.RecordFrom = Stopwatch.GetTimestamp();
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            stop.CancelAfter(TimeSpan.FromSeconds(options.LatencySeconds));
            await publisher.RunPacedAsync(rate, stop.Token);
        }

        await DrainAsync(publisher, subscribers, cancellationToken);
        clock.RecordFrom = long.MaxValue;
        var latency = CrossGatewayLatency(subscribers, gatewayCount);

        var result = new ScaleOutRunResult
        {
            Gateways = gatewayCount,
            Run = run,
            ConnectSeconds = connect.TotalSeconds,
            DeliveredPerSecond = delivered,
            PublishedPerSecond = published,
            GatewayMicrosPerDelivered = cpu.Gateways.TotalMicroseconds / delivered,
            SiloMicrosPerPublished = cpu.Silos.TotalMicroseconds / published,
            RedisMicrosPerPublished = cpu.Redis.TotalMicroseconds / published,
            LatencyRate = rate,
            P50Ms = latency.QuantileMicros(0.50) / 1000,
            P99Ms = latency.QuantileMicros(0.99) / 1000,
        };

        // (c) Losing a gateway.
        if (gatewayCount > 1)
            result = await KillAndRecoverAsync(result, cluster, subscribers, publisher, cancellationToken);

        // The clients that never moved are judged once they had the time to drain their queues: when the moved ones have
        // caught up, a busy gateway may still be writing the last frames to the others, and counting then would call a
        // frame in flight a loss. Whatever is still missing after the drain time-out is lost.
        var open = subscribers.All.Where(s => s.IsOpen).ToList();
        var final = publisher.Published;
        var inFlight = open.Sum(s => Math.Max(0, final - s.LastSequence));
        await subscribers.WaitReachedAsync(final, DrainTimeout, cancellationToken);
        var lostByOthers = open.Sum(s => s.MissingInGaps + Math.Max(0, final - s.LastSequence));
        return result with
        {
            InFlightAtEnd = inFlight,
            LostByOthers = lostByOthers,
            Lost = result.Lost + lostByOthers,
            Duplicates = result.Duplicates + subscribers.All.Sum(s => s.Duplicates),
        };
    }

    /// <summary>
    /// Kills the last gateway while the publisher goes on at <see cref="ScaleOutOptions.KillRate"/>; its subscribers resume
    /// on the others with <c>since</c> their last offset. Back: every one has its ack; caught up: every one has reached
    /// what was acknowledged when the last of them was back.
    /// </summary>
    private async Task<ScaleOutRunResult> KillAndRecoverAsync(
        ScaleOutRunResult result, ScaleOutCluster cluster, SubscriberSet subscribers, Publisher publisher, CancellationToken cancellationToken)
    {
        var victim = cluster.Gateways.Count - 1;
        var survivors = cluster.LiveGateways.Take(victim).ToList();
        using var presence = await PresenceProbe.StartAsync(cluster.Gateways[victim]!.WebSocketUri(string.Empty), survivors[0].WebSocketUri(string.Empty), cancellationToken);
        var doomed = subscribers.All.Where((_, i) => i % cluster.Gateways.Count == victim).ToList();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publishing = publisher.RunPacedAsync(options.KillRate, stop.Token);
        await Task.Delay(Settle, cancellationToken);

        var killed = Stopwatch.GetTimestamp();
        cluster.KillGateway(victim);
        await WaitUntilAsync(() => doomed.All(s => !s.IsOpen), "the killed gateway's clients to notice", cancellationToken);
        var beforeMove = ResumeDiagnosis.Snapshot(doomed);
        Uri[] nodes = [.. survivors.Select(g => g.BaseUri)];
        if (options.ResumeJitterSeconds > 0)
            await subscribers.MoveJitteredAsync(doomed, nodes, TimeSpan.FromSeconds(options.ResumeJitterSeconds), cancellationToken);
        else
            await subscribers.MoveAsync(doomed, nodes, options.Run.ConnectParallelism, cancellationToken);
        var back = Stopwatch.GetElapsedTime(killed);
        var target = publisher.Published;
        await WaitUntilAsync(() => doomed.All(s => s.LastSequence >= target), "the resumed clients to catch up", cancellationToken);
        var caughtUp = Stopwatch.GetElapsedTime(killed);
        var offlineAt = await presence.OfflineAt.WaitAsync(TimeSpan.FromSeconds(options.LeaseSeconds * 4), cancellationToken);
        await stop.CancelAsync();
        var rate = await publishing;
        Interleaved.Progress($"  killed gw-{victim + 1}: {doomed.Count} clients back in {back.TotalSeconds:0.00} s, caught up in {caughtUp.TotalSeconds:0.00} s; published {rate:0} msg/s meanwhile");

        await publisher.WaitAnsweredAsync(DrainTimeout);
        var final = publisher.Published;
        await WaitUntilAsync(() => doomed.All(s => s.LastSequence >= final), "the resumed clients to receive the last publication", cancellationToken);
        var diagnosis = ResumeDiagnosis.Of(doomed, beforeMove);
        Interleaved.Progress($"  {diagnosis.Summary()}");
        return result with
        {
            Resume = diagnosis,
            KilledClients = doomed.Count,
            BackSeconds = back.TotalSeconds,
            CaughtUpSeconds = caughtUp.TotalSeconds,
            OfflineSeconds = Stopwatch.GetElapsedTime(killed, offlineAt).TotalSeconds,
            // What the killed gateway never delivered is the resumed subscriber's to replay: any hole or shortfall is loss.
            Lost = doomed.Sum(s => s.MissingInGaps + Math.Max(0, final - s.LastSequence)),
            Duplicates = doomed.Sum(s => s.Duplicates),
        };
    }

    /// <summary>Latency of the subscribers that are not on the publisher's gateway (all of them with one gateway).</summary>
    private static LatencyHistogram CrossGatewayLatency(SubscriberSet subscribers, int gateways)
    {
        var merged = new LatencyHistogram();
        for (var i = 0; i < subscribers.All.Count; i++)
        {
            if (gateways == 1 || i % gateways != 0)
                merged.Add(subscribers.All[i].Latency);
        }

        return merged;
    }

    private static async Task DrainAsync(Publisher publisher, SubscriberSet subscribers, CancellationToken cancellationToken)
    {
        await publisher.WaitAnsweredAsync(DrainTimeout);
        await subscribers.WaitDrainedAsync(publisher.Published, DrainTimeout, cancellationToken);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > RecoveryTimeout)
                throw new TimeoutException($"waited {RecoveryTimeout.TotalSeconds} s for {what}");
            await Task.Delay(5, cancellationToken);
        }
    }
}
