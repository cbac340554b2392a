using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Load;

namespace OrleansRealtime.Bench.Fanout;

/// <summary>
/// <c>fanout</c>: runs the benchmark, prints the markdown report to stdout and writes it to
/// <c>bench/results/fanout-&lt;timestamp&gt;.md</c> (<see cref="BenchHost"/>).
/// </summary>
internal static class FanoutCommand
{
    public static async Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args)
    {
        FanoutOptions options;
        BenchPaths paths;
        try
        {
            options = FanoutOptions.Parse(args);
            paths = BenchPaths.Resolve(options.GatewayDll, options.OutputDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + FanoutOptions.Help);
            return 2;
        }

        return await BenchHost.RunAsync("fanout", commandLine, options.Describe(), paths.OutputDirectory, async (invocation, cancellationToken) =>
        {
            BenchHost.CheckOpenFiles(invocation.Machine, options.Subscribers);
            List<FanoutRunResult> results;
            using (var probe = new GeneratorProbe())
                results = await new FanoutBenchmark(options, paths, probe).RunAllAsync(cancellationToken);

            var report = FanoutReport.Build(results, options, invocation.Machine, invocation.Command, invocation.Started, invocation.Clock.Elapsed, MachineInfo.LoadAverageNow());
            return new BenchOutcome(report, results.Count(r => r.Failure is not null || r.HasCorrectnessFindings));
        });
    }
}
