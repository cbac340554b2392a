using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansRealtime.Bench.Processes;

/// <summary>
/// A server process the bench started. Every live one is tracked by PID so that <see cref="KillAll"/> (called on
/// Ctrl+C, SIGTERM, failure and exit) stops exactly the processes this bench started, and nothing else.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int TailLines = 40;

    private static readonly ConcurrentDictionary<int, ChildProcess> Live = new();

    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (stdout and stderr), for error messages.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
                return string.Join(Environment.NewLine, _tail);
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);

        // Settings that `dotnet run` or the caller's shell may have set must not leak into the systems under test.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "DOTNET_gcServer", "DOTNET_GCgen0size" })
            info.Environment.Remove(inherited);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
            info.Environment[key] = value;

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Start();
        Live[process.Id] = child;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until the process wrote a line containing <paramref name="text"/>; throws when it exited or the time ran out.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!Tail.Contains(text, StringComparison.Ordinal))
        {
            if (HasExited)
                throw new InvalidOperationException($"{Name} exited before it wrote '{text}'. Output:{Environment.NewLine}{Tail}");
            if (Stopwatch.GetElapsedTime(started) > timeout)
                throw new TimeoutException($"{Name} did not write '{text}' within {timeout.TotalSeconds} s. Output:{Environment.NewLine}{Tail}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Stops every process this bench started and has not stopped yet.</summary>
    public static void KillAll()
    {
        foreach (var child in Live.Values)
            child.Dispose();
    }

    /// <summary>Kills the process (by its PID, with any children it started) and waits for it to exit.</summary>
    public void Dispose()
    {
        if (!Live.TryRemove(Pid, out _))
            return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
                _tail.Dequeue();
        }
    }
}
