using System.Diagnostics;

namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One child process a test started: <c>dotnet</c> with arguments, environment and working directory. Its stdout and
/// stderr are kept in a bounded ring buffer for failure messages. <see cref="Kill"/> is a SIGKILL of this process (and
/// its children) only, found by the PID this object started; disposing kills it if it still runs, so a failing test
/// leaves nothing behind, and so does a test run that exits without disposing.
/// </summary>
public sealed class ManagedProcess : IDisposable
{
    private const int OutputLinesKept = 400;
    private const int OutputLinesShown = 120;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];
    private readonly Task _exited;
    private bool _disposed;

    private ManagedProcess(string name, ProcessStartInfo start)
    {
        Name = name;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _process.Start();
        Id = _process.Id;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Completes once the process has exited and its redirected output has been read to the end.
        _exited = _process.WaitForExitAsync();
        AppDomain.CurrentDomain.ProcessExit += OnTestProcessExit;
    }

    /// <summary>A name for messages, e.g. <c>silo-1</c> or <c>gateway gw-a</c>.</summary>
    public string Name { get; }

    /// <summary>The process id: the only process <see cref="Kill"/> and <see cref="Dispose"/> ever signal.</summary>
    public int Id { get; }

    public bool HasExited => _exited.IsCompleted;

    /// <summary>Completes when the process has exited (its output fully read).</summary>
    public Task Exited => _exited;

    /// <summary>Runs <c>dotnet</c> (the SDK's host when known) with <paramref name="arguments"/>.</summary>
    public static ManagedProcess StartDotnet(
        string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        return new ManagedProcess(name, start);
    }

    /// <summary>
    /// Waits until a line of output contains <paramref name="text"/>. Fails with the captured output when the process
    /// exits first or the time runs out.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.Any(line => line.Contains(text, StringComparison.Ordinal)))
                return;
            _waiters.Add((text, seen));
        }

        Task first;
        try
        {
            first = await Task.WhenAny(seen.Task, _exited).WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} (pid {Id}) did not print '{text}' within {timeout.TotalSeconds:F0} s. {DescribeOutput()}");
        }

        if (first != seen.Task)
            throw new ProcessExitedException($"{Name} (pid {Id}) exited with code {ExitCodeText()} before printing '{text}'. {DescribeOutput()}");
    }

    /// <summary>
    /// Waits until the process exits by itself and returns its exit code; fails with the captured output when it is
    /// still running after <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> WaitForExitCodeAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} (pid {Id}) was still running after {timeout.TotalSeconds:F0} s. {DescribeOutput()}");
        }

        return _process.ExitCode;
    }

    /// <summary>The last lines of stdout and stderr, interleaved as they arrived.</summary>
    public string DescribeOutput(int lines = OutputLinesShown)
    {
        lock (_output)
        {
            var shown = _output.Skip(Math.Max(0, _output.Count - lines)).ToList();
            return $"Last {shown.Count} lines of output of {Name} (pid {Id}):\n{string.Join('\n', shown)}";
        }
    }

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => HasExited && int.TryParse(ExitCodeText(), System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>
    /// SIGTERM to this process (by its PID), as an orchestrator stops a container: the process may shut down gracefully.
    /// Does not wait for it to exit (<see cref="Exited"/> does).
    /// </summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0 && !HasExited)
            throw new InvalidOperationException($"kill -TERM {Id} failed with exit code {kill.ExitCode}");
    }

    /// <summary>SIGKILL: the process gets no chance to clean up, as when a machine or container dies.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile: nothing to kill.
        }

        if (!_process.WaitForExit(ExitTimeout))
            throw new TimeoutException($"{Name} (pid {Id}) did not exit within {ExitTimeout.TotalSeconds:F0} s of SIGKILL.");
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnTestProcessExit;
        try
        {
            Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string ExitCodeText()
    {
        try
        {
            return _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "unknown";
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
            return;

        List<TaskCompletionSource>? matched = null;
        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLinesKept)
                _output.Dequeue();

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_waiters[i].Text, StringComparison.Ordinal))
                {
                    (matched ??= []).Add(_waiters[i].Seen);
                    _waiters.RemoveAt(i);
                }
            }
        }

        if (matched is not null)
        {
            foreach (var seen in matched)
                seen.TrySetResult();
        }
    }

    private void OnTestProcessExit(object? sender, EventArgs e)
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string DotnetHost()
    {
        // Set by the SDK for the processes it runs (dotnet test); the same host runs the binaries it built.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
