using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace OrleansRealtime.Testing;

/// <summary>
/// A real <c>redis-server</c> process on a free loopback port, private to the tests that start it: no persistence, no
/// output on the console (it is kept for failure messages), killed by PID when disposed or when the test process exits.
/// </summary>
public sealed class RedisServer : IAsyncDisposable, IDisposable
{
    /// <summary>Environment variable that overrides where the <c>redis-server</c> executable is.</summary>
    public const string ExecutableVariable = "REDIS_SERVER";

    private const int StartAttempts = 3;
    private const int OutputLinesKept = 40;
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ConnectionMultiplexer? _admin;
    private bool _disposed;

    private RedisServer(string executable, int port)
    {
        Port = port;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", string.Empty, "--appendonly", "no", "--daemonize", "no", "--logfile", string.Empty,
            "--always-show-logo", "no", "--dir", Path.GetTempPath(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // A test run that dies without disposing its fixtures must not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public int Port { get; }

    /// <summary>The process id of the server.</summary>
    public int ProcessId => _process.Id;

    /// <summary>A StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts a server and waits until it answers PING. Fails with a message that says what to do when
    /// <c>redis-server</c> is missing, and with the server's output when it does not come up.
    /// </summary>
    /// <param name="timeout">How long the server may take to answer; 20 s by default.</param>
    /// <param name="executable">
    /// The <c>redis-server</c> to run; by default <c>$REDIS_SERVER</c>, else <c>/usr/bin/redis-server</c>, else the
    /// first one on <c>PATH</c>.
    /// </param>
    public static async Task<RedisServer> StartAsync(TimeSpan? timeout = null, string? executable = null)
    {
        executable = FindExecutable(executable ?? Environment.GetEnvironmentVariable(ExecutableVariable));
        for (var attempt = 1; ; attempt++)
        {
            var server = new RedisServer(executable, FreePort.Next());
            try
            {
                await server.WaitUntilReadyAsync(timeout ?? DefaultStartTimeout);
                return server;
            }
            catch (RedisServerExitedException) when (attempt < StartAttempts)
            {
                // Most likely the port was taken between FreePort.Next() and the bind: try another one.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Deletes every key of every database (FLUSHALL), as a lost or replaced Redis would look.</summary>
    public async Task FlushAllAsync()
    {
        _admin ??= await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true");
        await _admin.GetServers()[0].FlushAllDatabasesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
            await _admin.DisposeAsync();
        Dispose();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        _admin?.Dispose();
        Kill();
        _process.Dispose();
    }

    private static string FindExecutable(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException(
                    $"redis-server was not found at {configured}. Run tests/run, which installs it, or point ${ExecutableVariable} at it.");
        }

        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Prepend("/usr/bin")
            .Select(directory => Path.Combine(directory, "redis-server"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"redis-server was not found (looked at ${ExecutableVariable}, /usr/bin and PATH). Run tests/run, which installs it.");
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited).WithTimeout(timeout, $"redis-server on port {Port} to start. Output:\n{Output()}");
        if (first == exited)
            throw new RedisServerExitedException($"redis-server (port {Port}) exited with code {_process.ExitCode} before it was ready. Output:\n{Output()}");

        // The log line says the listener is up; a PING proves the server answers on the port tests will use.
        var reply = await PingAsync().WithTimeout(timeout, $"redis-server on port {Port} to answer PING");
        if (reply != "+PONG")
            throw new InvalidOperationException($"redis-server on port {Port} answered PING with '{reply}'. Output:\n{Output()}");
    }

    private async Task<string> PingAsync()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync() ?? string.Empty;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
            return;

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLinesKept)
                _output.Dequeue();
        }

        if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            _ready.TrySetResult();
    }

    private string Output()
    {
        lock (_output)
            return string.Join('\n', _output);
    }

    private void OnProcessExit(object? sender, EventArgs e) => Kill();

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(ExitTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // It already exited: nothing to kill.
        }
    }
}
