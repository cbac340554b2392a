using OrleansRealtime.Bench.Harness;

namespace OrleansRealtime.Bench.ScaleOut;

/// <summary><c>scaleout</c>: the report goes to <c>bench/results/scaleout-&lt;timestamp&gt;.md</c> (<see cref="BenchHost"/>).</summary>
internal static class ScaleOutCommand
{
    public static Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args) =>
        BenchHost.RunAsync("scaleout", commandLine, args, ScaleOutOptions.Parse, ScaleOutOptions.Help, async (options, paths, invocation, cancellationToken) =>
        {
            // Each gateway holds its share of the subscribers; the generator holds them all.
            BenchHost.CheckOpenFiles(invocation.Machine, options.Subscribers);
            var results = await new ScaleOutBenchmark(options, paths).RunAllAsync(cancellationToken);
            var report = ScaleOutReport.Build(results, options, invocation, MachineInfo.LoadAverageNow());
            return new BenchOutcome(report, results.Count(r => r.HasFindings));
        });
}
