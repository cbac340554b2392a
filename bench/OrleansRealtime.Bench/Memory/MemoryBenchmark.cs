using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Load.Subscribers;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Memory;

/// <summary>
/// Memory per idle connection, per transport. Each run is a fresh gateway with the GC probe loaded (<see cref="GcProbe"/>):
/// open the warm-up connections, settle, measure (full GC: live heap and committed; then RSS), open N more idle
/// subscribed connections of the same transport (long polling: each with its poll outstanding), settle, measure again.
/// Nothing is published: this is the cost of a connection that waits. RSS is the gateway's own (with a separate silo,
/// as deployed, the grains a connection activates live in the silo and are not counted).
/// </summary>
/// <param name="redis">Redis (host:port) for a gateway with a separate silo.</param>
internal sealed class MemoryBenchmark(MemoryOptions options, BenchPaths paths, string? redis)
{
    public Task<List<MemoryRunResult>> RunAllAsync(CancellationToken cancellationToken) =>
        Interleaved.RunAsync(
            options.Systems,
            options.Run.Runs,
            (system, run) => RunOneAsync(system, run, cancellationToken),
            (system, run, failure) => new MemoryRunResult { System = system, Run = run, Connections = options.Connections, Failure = failure },
            Summary,
            cancellationToken);

    private async Task<MemoryRunResult> RunOneAsync(BenchSystem system, int run, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(options.Run.GatewayEnvironment, StringComparer.Ordinal);
        var (hook, dll) = GcProbe.StartupHookEnvironment(paths.BenchDll);
        environment[hook] = dll;
        using var server = await ServerUnderTest.StartAsync(system, environment, paths, cancellationToken, redis);
        var settle = TimeSpan.FromSeconds(options.SettleSeconds);
        var clock = new PhaseClock();

        using var warmup = new SubscriberSet(options.WarmupConnections, clock, system.Transport);
        await warmup.ConnectAsync([server.BaseUri], options.Run.ConnectParallelism, cancellationToken);
        await Task.Delay(settle, cancellationToken);
        var heapBefore = await GcProbe.CollectAsync(server.Pid, cancellationToken);
        var rssBefore = ProcessStats.RssKiB(server.Pid);

        using var connections = new SubscriberSet(options.Connections, clock, system.Transport);
        var connectTime = await connections.ConnectAsync([server.BaseUri], options.Run.ConnectParallelism, cancellationToken);
        await Task.Delay(settle, cancellationToken);
        var heapAfter = await GcProbe.CollectAsync(server.Pid, cancellationToken);
        var rssAfter = ProcessStats.RssKiB(server.Pid);

        var closed = connections.All.Concat(warmup.All).Where(s => !s.IsOpen).ToList();
        return new MemoryRunResult
        {
            System = system,
            Run = run,
            Connections = options.Connections,
            ConnectSeconds = connectTime.TotalSeconds,
            RssBeforeKiB = rssBefore,
            RssAfterKiB = rssAfter,
            HeapBefore = heapBefore,
            HeapAfter = heapAfter,
            Closed = closed.Count,
            FirstCloseReason = closed.FirstOrDefault()?.ClosedReason,
        };
    }

    private static string Summary(MemoryRunResult r) => r.Failure is not null
        ? $"  {r.System.Name} run {r.Run} failed: {r.Failure}"
        : $"  {r.System.Name} run {r.Run}: {r.Connections} connections in {r.ConnectSeconds:0.0} s; per connection: live heap {r.LivePerConnectionKiB:0.0} KiB, " +
          $"GC committed {r.CommittedPerConnectionKiB:0.0} KiB, RSS {r.RssPerConnectionKiB:0.0} KiB" +
          (r.Closed > 0 ? $"  !!! {r.Closed} connections closed (first: {r.FirstCloseReason})" : string.Empty);
}
