using System.Diagnostics;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Load.Subscribers;

namespace OrleansRealtime.Bench.Storm;

/// <summary>
/// The reconnect storm: N clients on one channel (spread over the system's nodes) while the publisher publishes at a
/// steady rate; then every client drops its connection at once and reconnects, resubscribing with recovery where the
/// system has it (the gateway's <c>since</c>: offset and epoch). Measures the time until all are subscribed again,
/// until all have every message published up to then, and every message a client never got.
/// </summary>
internal sealed class StormBenchmark(IReadOnlyList<BenchSystem> systems, int clients, double rate, RunOptions run, BenchPaths paths, string? redis)
{
    private static readonly TimeSpan Steady = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(90);

    public Task<List<StormRunResult>> RunAllAsync(CancellationToken cancellationToken) =>
        Interleaved.RunAsync(
            systems,
            run.Runs,
            (system, number) => RunOneAsync(system, number, cancellationToken),
            (system, number, failure) => new StormRunResult { System = system, Run = number, Clients = clients, Failure = failure },
            Summary,
            cancellationToken);

    private async Task<StormRunResult> RunOneAsync(BenchSystem system, int number, CancellationToken cancellationToken)
    {
        using var server = await ServerUnderTest.StartAsync(system, run.GatewayEnvironment, paths, cancellationToken, redis);
        using var subscribers = new SubscriberSet(clients, new PhaseClock(), SubscriberTransport.WebSocket, system.Dialect);
        await subscribers.ConnectAsync(server.Nodes, run.ConnectParallelism, cancellationToken);
        using var publisher = new Publisher(system.Dialect, subscribers, window: 64, maxLead: int.MaxValue);
        await publisher.ConnectAsync(server.BaseUri, cancellationToken);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publishing = publisher.RunPacedAsync(rate, stop.Token);
        try
        {
            await Task.Delay(Steady, cancellationToken);
            var lostBefore = subscribers.All.Sum(s => s.MissingInGaps);
            var duplicatesBefore = subscribers.All.Sum(s => s.Duplicates);

            var storm = Stopwatch.GetTimestamp();
            await subscribers.ReconnectAllAsync(ReconnectTimeout, cancellationToken);
            var resubscribed = Stopwatch.GetElapsedTime(storm);

            // Recovered: each client has everything published until the last one was subscribed again.
            var target = publisher.Sent;
            var recovered = await subscribers.WaitReachedAsync(target, ReconnectTimeout, cancellationToken) ? Stopwatch.GetElapsedTime(storm) : (TimeSpan?)null;

            // Keep publishing a while: a client that lost messages only sees the hole when the next one arrives.
            await Task.Delay(Steady, cancellationToken);
            await stop.CancelAsync();
            var achieved = await publishing;
            // Drained: every client is at the last message (by sequence: the peers' holes stay holes, counted as lost).
            await publisher.WaitAnsweredAsync(ReconnectTimeout);
            var published = publisher.Published;
            await subscribers.WaitReachedAsync(published, ReconnectTimeout, cancellationToken);
            var undelivered = subscribers.All.Where(s => s.IsOpen).Sum(s => Math.Max(0, s.Base + published - s.LastSequence));

            var closed = subscribers.All.Where(s => !s.IsOpen).ToList();
            return new StormRunResult
            {
                System = system,
                Run = number,
                Clients = clients,
                ResubscribedSeconds = resubscribed.TotalSeconds,
                RecoveredSeconds = recovered?.TotalSeconds ?? double.NaN,
                Lost = subscribers.All.Sum(s => s.MissingInGaps) - lostBefore + undelivered,
                Duplicates = subscribers.All.Sum(s => s.Duplicates) - duplicatesBefore,
                Disconnected = closed.Count,
                FirstCloseReason = closed.FirstOrDefault()?.ClosedReason,
                PublishRate = achieved,
                PublishErrors = publisher.Errors,
            };
        }
        finally
        {
            await stop.CancelAsync();
            await publishing;
        }
    }

    private static string Summary(StormRunResult r) => r.Failure is not null
        ? $"  {r.System.Name} run {r.Run} failed: {r.Failure}"
        : $"  {r.System.Name} run {r.Run}: {r.Clients} clients resubscribed in {r.ResubscribedSeconds:0.00} s, recovered in {r.RecoveredSeconds:0.00} s, " +
          $"lost {r.Lost}, duplicates {r.Duplicates}, disconnected {r.Disconnected}";
}
