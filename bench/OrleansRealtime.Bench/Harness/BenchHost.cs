using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Harness;

/// <summary>What a verb's body gets: the command line as a reader can paste it, the machine, and when it started.</summary>
internal sealed record BenchInvocation(string Command, MachineInfo Machine, DateTimeOffset Started, Stopwatch Clock);

/// <summary>A verb's markdown report and how many runs failed or had findings (nonzero makes the exit code 1).</summary>
internal sealed record BenchOutcome(string Report, int Findings);

/// <summary>
/// What every measuring verb does around its body: prints the command and its effective options, stops every server
/// process it started by PID on success, failure, Ctrl+C and SIGTERM, prints the markdown report to stdout and writes it
/// to <c>&lt;output&gt;/&lt;verb&gt;-&lt;timestamp&gt;.md</c>. Progress goes to stderr.
/// </summary>
internal static class BenchHost
{
    /// <summary>Parses the verb's options (a bad one: the message and <paramref name="help"/>, exit code 2), then runs <paramref name="body"/>.</summary>
    public static async Task<int> RunAsync<TOptions>(
        string verb,
        string[] commandLine,
        IReadOnlyList<string> args,
        Func<IReadOnlyList<string>, TOptions> parse,
        string help,
        Func<TOptions, BenchPaths, BenchInvocation, CancellationToken, Task<BenchOutcome>> body)
        where TOptions : IBenchOptions
    {
        TOptions options;
        BenchPaths paths;
        try
        {
            options = parse(args);
            paths = BenchPaths.Resolve(options.Run.GatewayDll, options.Run.OutputDirectory);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + help);
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

        var command = "dotnet run -c Release --project bench/OrleansRealtime.Bench -- " + string.Join(' ', commandLine.Select(Quote));
        await Console.Error.WriteLineAsync($"{command}{Environment.NewLine}{options.Describe()}");

        var invocation = new BenchInvocation(command, MachineInfo.Read(), DateTimeOffset.Now, Stopwatch.StartNew());
        BenchOutcome outcome;
        try
        {
            outcome = await body(options, paths, invocation, cancellation.Token);
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

        Console.WriteLine(outcome.Report);
        Directory.CreateDirectory(paths.OutputDirectory);
        var file = Path.Combine(paths.OutputDirectory, $"{verb}-{invocation.Started:yyyyMMdd-HHmmss}.md");
        await File.WriteAllTextAsync(file, outcome.Report);
        await Console.Error.WriteLineAsync($"Report written to {file}");

        if (outcome.Findings > 0)
            await Console.Error.WriteLineAsync($"!!! {outcome.Findings} run(s) failed or had correctness findings: see the report.");
        return outcome.Findings > 0 ? 1 : 0;
    }

    /// <summary>The generator holds one socket per connection and so does each server (same limit, inherited): say so before connecting fails.</summary>
    public static void CheckOpenFiles(MachineInfo machine, int connections)
    {
        var needed = connections + 512;
        if (machine.OpenFilesLimit is { } limit && limit < needed)
        {
            Console.Error.WriteLine($"!!! open files limit is {limit}, but {connections} connections need about {needed} descriptors per process: raise it (`ulimit -n {needed * 2}`) or connections will fail.");
        }
        else
        {
            Console.Error.WriteLine($"open files limit {machine.OpenFilesLimit?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} (needed ≈ {needed} per process): ok");
        }
    }

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_.,=/:".Contains(c, StringComparison.Ordinal)) ? arg : $"'{arg}'";
}
