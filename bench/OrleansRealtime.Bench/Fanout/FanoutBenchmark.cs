using System.Diagnostics;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Load.Subscribers;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Fanout;

/// <summary>
/// Runs every system <see cref="FanoutOptions.Runs"/> times, interleaved (<see cref="Interleaved"/>). Each run is a fresh server process:
/// start, connect the subscribers, (a) saturation, (b) fixed-rate latency, correctness check, stop.
/// </summary>
/// <param name="redis">Redis (host:port) for the systems of several nodes.</param>
/// <param name="topology">Who subscribes to what; one channel of <see cref="FanoutOptions.Subscribers"/> when null.</param>
internal sealed class FanoutBenchmark(FanoutOptions options, BenchPaths paths, GeneratorProbe probe, string? redis = null, FanoutTopology? topology = null)
{
    private readonly FanoutTopology _topology = topology ?? FanoutTopology.Single(options.Subscribers);

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public Task<List<FanoutRunResult>> RunAllAsync(CancellationToken cancellationToken) =>
        Interleaved.RunAsync(
            options.Systems,
            options.Run.Runs,
            (system, run) => RunOneAsync(system, run, cancellationToken),
            (system, run, failure) => new FanoutRunResult { System = system, Run = run, Subscribers = _topology.Subscribers, Failure = failure },
            Summary,
            cancellationToken);

    private async Task<FanoutRunResult> RunOneAsync(BenchSystem system, int run, CancellationToken cancellationToken)
    {
        using var server = await ServerUnderTest.StartAsync(system, options.Run.GatewayEnvironment, paths, cancellationToken, redis);
        await Task.Delay(Settle, cancellationToken);
        var rssIdle = server.RssKiB();

        var clock = new PhaseClock();
        using var subscribers = new SubscriberSet(_topology.Subscribers, clock, system.Transport, system.Dialect, _topology.ChannelOf);
        var connectTime = await subscribers.ConnectAsync(server.Nodes, options.Run.ConnectParallelism, cancellationToken);
        await Task.Delay(Settle, cancellationToken);
        var rssConnected = server.RssKiB();
        Progress($"  {_topology.Subscribers} subscribers connected in {connectTime.TotalSeconds:0.0} s; server RSS {rssIdle / 1024.0:0.0} → {rssConnected / 1024.0:0.0} MiB");

        using var publisher = new Publisher(system.Dialect, subscribers, options.Window, options.MaxLead, _topology.PublishChannels);
        await publisher.ConnectAsync(server.BaseUri, cancellationToken);

        // (a) Saturation: warm up, then count over a window of steady publishing.
        PhaseStats saturation;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var publishing = publisher.RunSaturatedAsync(stop.Token);
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
            var start = Snapshot.Take(server, subscribers, publisher, probe);
            await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds), cancellationToken);
            saturation = Snapshot.Take(server, subscribers, publisher, probe).Since(start);
            await stop.CancelAsync();
            await publishing;
        }

        await DrainAsync(publisher, subscribers, cancellationToken);

        // (b) Latency at a fixed moderate rate; only messages sent from here on are samples.
        var rate = Math.Max(1, options.Rate ?? saturation.PublishedPerSecond * options.RatePercent / 100);
        Progress($"  saturation: {saturation.DeliveredPerSecond:N0} delivered/s, {saturation.PublishedPerSecond:N0} published/s; latency phase at {rate:N0} msg/s");
        clock.RecordFrom = Stopwatch.GetTimestamp();
        PhaseStats latencyPhase;
        double achieved;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            stop.CancelAfter(TimeSpan.FromSeconds(options.LatencySeconds));
            var start = Snapshot.Take(server, subscribers, publisher, probe);
            achieved = await publisher.RunPacedAsync(rate, stop.Token);
            latencyPhase = Snapshot.Take(server, subscribers, publisher, probe).Since(start);
        }

        var undelivered = await DrainAsync(publisher, subscribers, cancellationToken);
        var latency = subscribers.MergedLatency();

        var closed = subscribers.All.Where(s => !s.IsOpen).ToList();
        return new FanoutRunResult
        {
            System = system,
            Run = run,
            Subscribers = _topology.Subscribers,
            ConnectSeconds = connectTime.TotalSeconds,
            RssIdleKiB = rssIdle,
            RssConnectedKiB = rssConnected,
            Saturation = saturation,
            Latency = latencyPhase,
            LatencyTargetRate = rate,
            LatencyAchievedRate = achieved,
            P50Ms = latency.QuantileMicros(0.50) / 1000,
            P99Ms = latency.QuantileMicros(0.99) / 1000,
            MaxMs = latency.Count > 0 ? latency.MaxMicros / 1000.0 : double.NaN,
            LatencySamples = latency.Count,
            Gaps = subscribers.All.Sum(s => s.Gaps),
            MissingInGaps = subscribers.All.Sum(s => s.MissingInGaps),
            Duplicates = subscribers.All.Sum(s => s.Duplicates),
            Undelivered = undelivered,
            SubscribersClosed = closed.Count,
            FirstCloseReason = closed.FirstOrDefault()?.ClosedReason,
            PublishErrors = publisher.Errors,
            FirstPublishError = publisher.FirstError,
            PublisherClosed = publisher.ClosedReason,
        };
    }

    /// <summary>
    /// Waits for every publish to be answered and delivered to every open subscriber; returns how many messages open
    /// subscribers still lacked at the time-out (0 when all arrived).
    /// </summary>
    public static async Task<long> DrainAsync(Publisher publisher, SubscriberSet subscribers, CancellationToken cancellationToken)
    {
        await publisher.WaitAnsweredAsync(DrainTimeout);
        var expected = publisher.PublishedPerChannel;
        if (await subscribers.WaitDrainedAsync(expected, DrainTimeout, cancellationToken))
            return 0;

        long missing = 0;
        foreach (var subscriber in subscribers.All)
        {
            if (subscriber.IsOpen)
                missing += Math.Max(0, subscriber.Base + expected - subscriber.LastSequence);
        }

        return missing;
    }

    private static string Summary(FanoutRunResult r) => r.Failure is not null
        ? $"  {r.System.Name} run {r.Run} failed: {r.Failure}"
        : $"  {r.System.Name} run {r.Run}: {r.Saturation.DeliveredPerSecond:N0} delivered/s, {r.Saturation.PublishedPerSecond:N0} published/s, " +
          $"p50 {r.P50Ms:0.00} ms, p99 {r.P99Ms:0.00} ms, max {r.MaxMs:0.00} ms" +
          (r.HasCorrectnessFindings ? $"  !!! gaps={r.Gaps} dups={r.Duplicates} undelivered={r.Undelivered} closed={r.SubscribersClosed} errors={r.PublishErrors}" : string.Empty);

    private static void Progress(string line) => Interleaved.Progress(line);

    /// <summary>Counters at one instant; the difference of two is a window's <see cref="PhaseStats"/>.</summary>
    private sealed record Snapshot(long Timestamp, long Received, long WireBytes, long Published, TimeSpan Generator, TimeSpan Server, TimeSpan Machine, TimeSpan LeadWait, TimeSpan WindowWait, LatencyHistogram LagSincePrevious)
    {
        /// <summary>Also closes the probe's lag window: the end snapshot of a phase carries the phase's lag.</summary>
        public static Snapshot Take(ServerUnderTest server, SubscriberSet subscribers, Publisher publisher, GeneratorProbe probe) =>
            new(Stopwatch.GetTimestamp(), subscribers.TotalReceived(), subscribers.Wire.BytesReceived, publisher.Published, GeneratorProbe.CpuTime(), server.CpuTime(),
                ProcessStats.MachineBusyTime(), publisher.LeadWait, publisher.WindowWait, probe.TakeLag());

        public PhaseStats Since(Snapshot start)
        {
            var seconds = (Timestamp - start.Timestamp) / (double)Stopwatch.Frequency;
            var generator = (Generator - start.Generator).TotalSeconds / seconds;
            var server = (Server - start.Server).TotalSeconds / seconds;
            var machine = (Machine - start.Machine).TotalSeconds / seconds;
            var lag = LagSincePrevious;
            var received = Received - start.Received;
            return new PhaseStats
            {
                Seconds = seconds,
                DeliveredPerSecond = received / seconds,
                WireBytesPerMessage = received > 0 ? (WireBytes - start.WireBytes) / (double)received : double.NaN,
                ServerMicrosPerMessage = received > 0 ? (Server - start.Server).TotalMicroseconds / received : double.NaN,
                PublishedPerSecond = (Published - start.Published) / seconds,
                GeneratorCores = generator,
                ServerCores = server,
                OtherCores = Math.Max(0, machine - generator - server),
                ProbeLagP99Ms = lag.QuantileMicros(0.99) / 1000,
                ProbeLagMaxMs = lag.Count > 0 ? lag.MaxMicros / 1000.0 : double.NaN,
                LeadWaitShare = (LeadWait - start.LeadWait).TotalSeconds / seconds,
                WindowWaitShare = (WindowWait - start.WindowWait).TotalSeconds / seconds,
            };
        }
    }
}
