using OrleansRealtime.Bench.Fanout;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Storm;

namespace OrleansRealtime.Bench.Compare;

/// <summary>
/// <c>compare</c>: every scenario against every system in turn (each scenario's systems interleaved and repeated), one
/// report with the summary, the ratios and each scenario's full tables, and an SVG chart of the fan-out.
/// </summary>
internal static class CompareCommand
{
    public static Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args) =>
        BenchHost.RunAsync("compare", commandLine, args, CompareOptions.Parse, CompareOptions.Help, async (options, paths, invocation, cancellationToken) =>
        {
            BenchHost.CheckOpenFiles(invocation.Machine, options.MaxConnections);
            var systems = options.Fanout.Systems;
            var results = new CompareResults();
            using (var redis = await BenchRedis.StartIfNeededAsync(systems, options.Run, cancellationToken))
            using (var probe = new GeneratorProbe())
            {
                if (options.Scenarios.Contains("fanout"))
                {
                    foreach (var subscribers in options.FanoutSubscribers)
                    {
                        Interleaved.Progress($"scenario fan-out: 1 publisher → {subscribers} subscribers");
                        var fanout = options.Fanout.With(subscribers: subscribers);
                        results.Fanout.Add((subscribers, await new FanoutBenchmark(fanout, paths, probe, redis.Connection).RunAllAsync(cancellationToken)));
                    }
                }

                if (options.Scenarios.Contains("channels"))
                {
                    // The raw relay has no channels: it broadcasts everything to everyone.
                    var topology = FanoutTopology.ManyChannels(options.Channels, options.Room);
                    Interleaved.Progress($"scenario many channels: {topology.Name}");
                    var channels = options.Fanout.With(subscribers: topology.Subscribers, systems: systems.Where(s => s.Kind != ServerKind.Raw).ToList());
                    results.Channels.AddRange(await new FanoutBenchmark(channels, paths, probe, redis.Connection, topology).RunAllAsync(cancellationToken));
                }

                if (options.Scenarios.Contains("storm"))
                {
                    Interleaved.Progress($"scenario reconnect storm: {options.StormClients} clients at {options.StormRate} msg/s");
                    results.Storm.AddRange(await new StormBenchmark(systems, options.StormClients, options.StormRate, options.Run, paths, redis.Connection).RunAllAsync(cancellationToken));
                }
            }

            var chart = SvgChart.Build(results, systems, options, invocation);
            var chartName = $"compare-{invocation.Started:yyyyMMdd-HHmmss}.svg";
            Directory.CreateDirectory(paths.OutputDirectory);
            await File.WriteAllTextAsync(Path.Combine(paths.OutputDirectory, chartName), chart, cancellationToken);

            var report = CompareReport.Build(results, options, invocation, MachineInfo.LoadAverageNow(), chartName);
            if (options.Readme is { } readme)
            {
                try
                {
                    await CompareReport.UpdateReadmeAsync(readme, CompareReport.Summary(results, options, invocation), chart, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
                {
                    // The report still goes to bench/results: a README that cannot be updated must not lose the run.
                    await Console.Error.WriteLineAsync($"!!! {readme} not updated: {ex.Message}");
                }
            }
            return new BenchOutcome(report, results.Findings);
        });
}
