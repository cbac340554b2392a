using OrleansRealtime.Bench.Harness;

namespace OrleansRealtime.Bench.Memory;

/// <summary><c>memory</c>: bytes per idle connection per transport; the report goes to <c>bench/results/memory-&lt;timestamp&gt;.md</c>.</summary>
internal static class MemoryCommand
{
    public static Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args) =>
        BenchHost.RunAsync("memory", commandLine, args, MemoryOptions.Parse, MemoryOptions.Help, async (options, paths, invocation, cancellationToken) =>
        {
            BenchHost.CheckOpenFiles(invocation.Machine, options.Connections + options.WarmupConnections);
            List<MemoryRunResult> results;
            using (var redis = await BenchRedis.StartIfNeededAsync(options.Systems, options.Run, cancellationToken))
                results = await new MemoryBenchmark(options, paths, redis.Connection).RunAllAsync(cancellationToken);
            var report = MemoryReport.Build(results, options, invocation, MachineInfo.LoadAverageNow());
            return new BenchOutcome(report, results.Count(r => r.Failure is not null || r.Closed > 0));
        });
}
