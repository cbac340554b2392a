using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Load;

namespace OrleansRealtime.Bench.Fanout;

/// <summary><c>fanout</c>: the report goes to <c>bench/results/fanout-&lt;timestamp&gt;.md</c> (<see cref="BenchHost"/>).</summary>
internal static class FanoutCommand
{
    public static Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args) =>
        BenchHost.RunAsync("fanout", commandLine, args, FanoutOptions.Parse, FanoutOptions.Help, async (options, paths, invocation, cancellationToken) =>
        {
            BenchHost.CheckOpenFiles(invocation.Machine, options.Subscribers);
            List<FanoutRunResult> results;
            using (var redis = await BenchRedis.StartIfNeededAsync(options.Systems, options.Run, cancellationToken))
            using (var probe = new GeneratorProbe())
                results = await new FanoutBenchmark(options, paths, probe, redis.Connection).RunAllAsync(cancellationToken);

            var report = FanoutReport.Build(results, options, invocation, MachineInfo.LoadAverageNow());
            return new BenchOutcome(report, results.Count(r => r.Failure is not null || r.HasCorrectnessFindings));
        });
}
