using System.Diagnostics;
using System.Globalization;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Harness;

/// <summary>A system's server, running as its own process on free loopback ports, ready to accept subscribers.</summary>
internal sealed class ServerUnderTest : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly ChildProcess _process;

    private ServerUnderTest(ChildProcess process, int port)
    {
        _process = process;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseUri { get; }

    public int Pid => _process.Pid;

    public Uri WebSocketUri(string query) => new($"ws://127.0.0.1:{BaseUri.Port}/ws{(query.Length > 0 ? "?" + query : string.Empty)}");

    /// <summary>
    /// Starts the system's server; a port taken in the meantime makes it exit early, and it is started again on others.
    /// A gateway gets the system's own settings, then <paramref name="gatewayEnvironment"/> (the command line's).
    /// </summary>
    public static async Task<ServerUnderTest> StartAsync(BenchSystem system, IReadOnlyDictionary<string, string> gatewayEnvironment, BenchPaths paths, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var process = system.IsGateway ? StartGateway(port, system, gatewayEnvironment, paths) : StartRaw(port, paths);
            var server = new ServerUnderTest(process, port);
            try
            {
                await server.WaitReadyAsync(cancellationToken);
                return server;
            }
            catch (Exception ex) when (attempt < 3 && ex is not OperationCanceledException && process.HasExited)
            {
                Console.Error.WriteLine($"  {process.Name} exited before it was ready (attempt {attempt}); retrying on other ports. Output:{Environment.NewLine}{process.Tail}");
                server.Dispose();
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    private static ChildProcess StartGateway(int port, BenchSystem system, IReadOnlyDictionary<string, string> gatewayEnvironment, BenchPaths paths)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The gateway with its embedded silo, also in Production (whose appsettings say Redis clustering).
            ["Orleans__Clustering"] = "Embedded",
            ["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Realtime__Auth__AllowAnonymous"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            // Not enforced by the gateway yet; a per-connection rate limit must not throttle the one benchmark publisher.
            ["Realtime__Limits__MessagesPerSecond"] = "1000000",
        };
        foreach (var (key, value) in (system.GatewayEnvironment ?? new Dictionary<string, string>()).Concat(gatewayEnvironment))
            environment[key] = value;

        var dll = paths.GatewayDll;
        return ChildProcess.Start("gateway", paths.DotnetHost, [dll, "--urls", $"http://127.0.0.1:{port}"], Path.GetDirectoryName(dll)!, environment);
    }

    private static ChildProcess StartRaw(int port, BenchPaths paths)
    {
        // Same GC mode as the gateway (the Web SDK turns server GC on), so the baseline differs only in what it does.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["DOTNET_gcServer"] = "1" };
        var bench = paths.BenchDll;
        return ChildProcess.Start("raw-websocket", paths.DotnetHost, [bench, "serve-raw", "--port", port.ToString(CultureInfo.InvariantCulture)], Path.GetDirectoryName(bench)!, environment);
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"{_process.Name} exited before it was ready. Output:{Environment.NewLine}{_process.Tail}");
            if (Stopwatch.GetElapsedTime(started) > ReadyTimeout)
                throw new TimeoutException($"{_process.Name} was not ready after {ReadyTimeout.TotalSeconds} s. Output:{Environment.NewLine}{_process.Tail}");
            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A request time-out while the process starts.
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public long RssKiB() => ProcessStats.RssKiB(Pid);

    public TimeSpan CpuTime() => ProcessStats.CpuTime(Pid);

    public void Dispose() => _process.Dispose();
}
