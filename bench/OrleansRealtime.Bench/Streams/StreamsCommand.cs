using OrleansRealtime.Bench.Harness;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using OrleansRealtime.Bench.Fanout;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Streams;

/// <summary>
/// <c>streams</c>: durable stream append and consumer-group throughput over REST, memory and Redis storage. Prints a
/// markdown report (medians of runs) and writes it to <c>bench/results/streams-&lt;timestamp&gt;.md</c>; stops every
/// process it started (gateways, redis-server) by PID, also on Ctrl+C and SIGTERM.
/// </summary>
internal static class StreamsCommand
{
    public static async Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args)
    {
        StreamsOptions options;
        BenchPaths paths;
        try
        {
            options = StreamsOptions.Parse(args);
            var harness = FanoutOptions.Parse(options.HarnessArguments);
            paths = BenchPaths.Resolve(harness.Run.GatewayDll, harness.Run.OutputDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + StreamsOptions.Help);
            return 2;
        }

        using var cancellation = new BenchCancellation();

        var command = "dotnet run -c Release --project bench/OrleansRealtime.Bench -- " + string.Join(' ', commandLine);
        await Console.Error.WriteLineAsync($"{command}{Environment.NewLine}{options.Describe()}");
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        List<StreamsRunResult> results;
        try
        {
            results = await new StreamsBenchmark(options, paths).RunAllAsync(cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Cancelled; no report written.");
            return 130;
        }
        finally
        {
            ChildProcess.KillAll();
        }

        var report = Report(results, options, command, started, clock.Elapsed);
        Console.WriteLine(report);
        Directory.CreateDirectory(paths.OutputDirectory);
        var file = Path.Combine(paths.OutputDirectory, $"streams-{started:yyyyMMdd-HHmmss}.md");
        await File.WriteAllTextAsync(file, report);
        await Console.Error.WriteLineAsync($"Report written to {file}");
        return results.Any(r => r.Findings.Count > 0) ? 1 : 0;
    }

    private static string Report(List<StreamsRunResult> results, StreamsOptions options, string command, DateTimeOffset started, TimeSpan elapsed)
    {
        var machine = MachineInfo.Read();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# streams benchmark, {started:yyyy-MM-dd HH:mm}");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"`{command}` ({options.Describe()}), wall time {elapsed.TotalSeconds:0} s");
        report.AppendLine(CultureInfo.InvariantCulture, $"{machine.Cores} cores ({machine.CpuModel}), {machine.Os}, {machine.Runtime}, load average {MachineInfo.LoadAverageNow()} at the end.");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"| backend | append, 1 event/request (events/s) | append, {options.Batch} events/request (events/s) | group read + ack, {options.Consumers} consumers × count {options.ReadCount} (events/s) | runs |");
        report.AppendLine("|---|---:|---:|---:|---|");
        foreach (var backend in options.Backends)
        {
            var mine = results.Where(r => r.Backend == backend).ToList();
            var runs = string.Join("; ", mine.Select(r => $"{r.SingleEventsPerSecond:N0} / {r.BatchedEventsPerSecond:N0} / {r.GroupEventsPerSecond:N0}"));
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {backend} | {Median(mine, r => r.SingleEventsPerSecond):N0} | {Median(mine, r => r.BatchedEventsPerSecond):N0} | {Median(mine, r => r.GroupEventsPerSecond):N0} | {runs} |");
        }

        report.AppendLine();
        report.AppendLine("Medians of runs; the last column lists each run (single / batched / group).");
        var findings = results.SelectMany(r => r.Findings.Select(f => $"- !!! {r.Backend}, run {r.Run}: {f}")).ToList();
        report.AppendLine(findings.Count == 0
            ? "Correctness: every acknowledged append is in its stream (last offset = events acknowledged), and the group handed every event out exactly once."
            : "Correctness findings:" + Environment.NewLine + string.Join(Environment.NewLine, findings));
        return report.ToString();
    }

    private static double Median(List<StreamsRunResult> results, Func<StreamsRunResult, double> value)
    {
        var sorted = results.Select(value).Order().ToList();
        if (sorted.Count == 0)
            return 0;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
