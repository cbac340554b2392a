using OrleansRealtime.Bench.Harness;

namespace OrleansRealtime.Bench.Memory;

/// <summary><c>memory</c>: bytes per idle connection per transport; the report goes to <c>bench/results/memory-&lt;timestamp&gt;.md</c>.</summary>
internal static class MemoryCommand
{
    public static async Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args)
    {
        MemoryOptions options;
        BenchPaths paths;
        try
        {
            options = MemoryOptions.Parse(args);
            paths = BenchPaths.Resolve(options.GatewayDll, options.OutputDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + MemoryOptions.Help);
            return 2;
        }

        return await BenchHost.RunAsync("memory", commandLine, options.Describe(), paths.OutputDirectory, async (invocation, cancellationToken) =>
        {
            BenchHost.CheckOpenFiles(invocation.Machine, options.Connections + options.WarmupConnections);
            var results = await new MemoryBenchmark(options, paths).RunAllAsync(cancellationToken);
            var report = MemoryReport.Build(results, options, invocation, MachineInfo.LoadAverageNow());
            return new BenchOutcome(report, results.Count(r => r.Failure is not null || r.Closed > 0));
        });
    }
}
