using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Fanout;

/// <summary>
/// <c>fanout</c>: runs the benchmark, prints the markdown report to stdout and writes it to
/// <c>bench/results/fanout-&lt;timestamp&gt;.md</c>. Progress goes to stderr. Every server process it started is
/// stopped by PID on success, failure, Ctrl+C and SIGTERM.
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

#if DEBUG
        await Console.Error.WriteLineAsync("!!! This is a Debug build of the bench: numbers are not comparable. Use `dotnet run -c Release`.");
#endif

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("Interrupted: stopping the servers this bench started.");
            cancellation.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();

        var machine = MachineInfo.Read();
        var command = "dotnet run -c Release --project bench/OrleansRealtime.Bench -- " + string.Join(' ', commandLine.Select(Quote));
        await Console.Error.WriteLineAsync($"{command}{Environment.NewLine}{options.Describe()}");
        CheckOpenFiles(machine, options);

        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        List<FanoutRunResult> results;
        using (var probe = new GeneratorProbe())
        {
            try
            {
                results = await new FanoutBenchmark(options, paths, probe).RunAllAsync(cancellation.Token);
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
        }

        var report = FanoutReport.Build(results, options, machine, command, started, clock.Elapsed, MachineInfo.LoadAverageNow());
        Console.WriteLine(report);
        Directory.CreateDirectory(paths.OutputDirectory);
        var file = Path.Combine(paths.OutputDirectory, $"fanout-{started:yyyyMMdd-HHmmss}.md");
        await File.WriteAllTextAsync(file, report);
        await Console.Error.WriteLineAsync($"Report written to {file}");

        var findings = results.Count(r => r.Failure is not null || r.HasCorrectnessFindings);
        if (findings > 0)
            await Console.Error.WriteLineAsync($"!!! {findings} run(s) failed or had correctness findings: see the Correctness section.");
        return findings > 0 ? 1 : 0;
    }

    /// <summary>The generator holds N + 1 sockets and so does each server (same limit, inherited): say so before connecting fails.</summary>
    private static void CheckOpenFiles(MachineInfo machine, FanoutOptions options)
    {
        var needed = options.Subscribers + 512;
        if (machine.OpenFilesLimit is { } limit && limit < needed)
        {
            Console.Error.WriteLine($"!!! open files limit is {limit}, but {options.Subscribers} subscribers need about {needed} descriptors per process: raise it (`ulimit -n {needed * 2}`) or connections will fail.");
        }
        else
        {
            Console.Error.WriteLine($"open files limit {machine.OpenFilesLimit?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} (needed ≈ {needed} per process): ok");
        }
    }

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_.,=/:".Contains(c, StringComparison.Ordinal)) ? arg : $"'{arg}'";
}
