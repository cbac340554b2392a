using System.Diagnostics;
using System.Globalization;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Harness;

/// <summary>
/// A system's server: one process, or several nodes (plus, for our gateways as pure Orleans clients, one silo), each on
/// free loopback ports, ready to accept subscribers. Memory and CPU are the sum over all its processes.
/// </summary>
internal sealed class ServerUnderTest : IDisposable
{
    private const string SiloReadyLine = "OrleansRealtime silo ready";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly List<ChildProcess> _processes = [];
    private readonly List<Uri> _nodes = [];

    private ServerUnderTest()
    {
    }

    /// <summary>Where clients connect: one base URI per node (the publisher uses the first).</summary>
    public IReadOnlyList<Uri> Nodes => _nodes;

    public Uri BaseUri => _nodes[0];

    /// <summary>The first node's process.</summary>
    public int Pid => _processes[0].Pid;

    public Uri WebSocketUri(string query) => new($"ws://127.0.0.1:{BaseUri.Port}/ws{(query.Length > 0 ? "?" + query : string.Empty)}");

    /// <summary>
    /// Starts the system's processes; a port taken in the meantime makes one exit early, and all are started again on
    /// others. A gateway gets the system's own settings, then <paramref name="gatewayEnvironment"/> (the command line's).
    /// Systems of several nodes need <paramref name="redis"/> (host:port).
    /// </summary>
    public static async Task<ServerUnderTest> StartAsync(
        BenchSystem system, IReadOnlyDictionary<string, string> gatewayEnvironment, BenchPaths paths, CancellationToken cancellationToken, string? redis = null)
    {
        if (system.NeedsRedis && redis is null)
            throw new InvalidOperationException($"{system.Name} needs Redis");
        for (var attempt = 1; ; attempt++)
        {
            var server = new ServerUnderTest();
            try
            {
                await server.StartProcessesAsync(system, gatewayEnvironment, paths, redis, cancellationToken);
                foreach (var (node, process) in server._nodes.Zip(server._processes))
                    await WaitReadyAsync(node, process, cancellationToken);
                return server;
            }
            catch (Exception ex) when (attempt < 3 && ex is not OperationCanceledException && server._processes.Any(p => p.HasExited))
            {
                var exited = server._processes.First(p => p.HasExited);
                Console.Error.WriteLine($"  {exited.Name} exited before it was ready (attempt {attempt}); retrying on other ports. Output:{Environment.NewLine}{exited.Tail}");
                server.Dispose();
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    private async Task StartProcessesAsync(BenchSystem system, IReadOnlyDictionary<string, string> gatewayEnvironment, BenchPaths paths, string? redis, CancellationToken cancellationToken)
    {
        var cluster = new Dictionary<string, string>(StringComparer.Ordinal);
        if (system.Kind == ServerKind.GatewayCluster)
        {
            // A cluster of its own per run: nothing of an earlier run's membership or state in Redis is seen.
            var id = $"bench-{Guid.NewGuid():N}"[..14];
            cluster["Orleans__Clustering"] = "Redis";
            cluster["ConnectionStrings__Redis"] = redis!;
            cluster["Orleans__ClusterId"] = id;
            cluster["Orleans__ServiceId"] = id;
            await StartSiloAsync(cluster, paths, cancellationToken);
        }

        for (var node = 0; node < system.Nodes; node++)
        {
            var port = FreePort.Next();
            var process = system.Kind switch
            {
                ServerKind.Gateway or ServerKind.GatewayCluster => StartGateway(port, system, cluster.Concat(gatewayEnvironment), paths),
                ServerKind.Raw => StartRaw(port, paths),
                ServerKind.SignalR => StartSignalR(port, system.Nodes > 1 ? redis : null, paths),
                ServerKind.SocketIo => StartSocketIo(port, system.Nodes > 1 ? redis : null, paths),
                _ => throw new ArgumentOutOfRangeException(nameof(system), system.Kind, null),
            };
            _processes.Insert(node, process);
            _nodes.Add(new Uri($"http://127.0.0.1:{port}"));
        }
    }

    private async Task StartSiloAsync(Dictionary<string, string> cluster, BenchPaths paths, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(cluster, StringComparer.Ordinal)
        {
            ["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__OrleansRealtime.Silo"] = "Information",
        };
        var dll = paths.SiloDll;
        var silo = ChildProcess.Start("silo", paths.DotnetHost, [dll], Path.GetDirectoryName(dll)!, environment);
        _processes.Add(silo);
        await silo.WaitForOutputAsync(SiloReadyLine, ReadyTimeout, cancellationToken);

        // The gateways are clients of this silo: its gateway port is where they connect (Redis says so too).
        cluster["Orleans__GatewayPort"] = environment["Orleans__GatewayPort"];
    }

    private static ChildProcess StartGateway(int port, BenchSystem system, IEnumerable<KeyValuePair<string, string>> extraEnvironment, BenchPaths paths)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // The gateway with its embedded silo, also in Production (whose appsettings say Redis clustering).
            ["Orleans__Clustering"] = "Embedded",
            ["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Realtime__Auth__AllowAnonymous"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            // A per-connection rate limit must not throttle the one benchmark publisher.
            ["Realtime__Limits__MessagesPerSecond"] = "1000000",
        };
        foreach (var (key, value) in (system.GatewayEnvironment ?? new Dictionary<string, string>()).Concat(extraEnvironment))
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

    private static ChildProcess StartSignalR(int port, string? redis, BenchPaths paths)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["Logging__LogLevel__Default"] = "Warning" };
        if (redis is not null)
            environment["Redis"] = redis;
        var dll = paths.SignalRPeerDll;
        return ChildProcess.Start("signalr", paths.DotnetHost, [dll, "--urls", $"http://127.0.0.1:{port}"], Path.GetDirectoryName(dll)!, environment);
    }

    private static ChildProcess StartSocketIo(int port, string? redis, BenchPaths paths)
    {
        var script = paths.SocketIoPeerScript;
        string[] arguments = redis is null
            ? [script, "--port", port.ToString(CultureInfo.InvariantCulture)]
            : [script, "--port", port.ToString(CultureInfo.InvariantCulture), "--redis", redis];
        return ChildProcess.Start("socketio", "node", arguments, Path.GetDirectoryName(script)!, new Dictionary<string, string>(StringComparer.Ordinal) { ["NODE_ENV"] = "production" });
    }

    private static async Task WaitReadyAsync(Uri node, ChildProcess process, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw new InvalidOperationException($"{process.Name} exited before it was ready. Output:{Environment.NewLine}{process.Tail}");
            if (Stopwatch.GetElapsedTime(started) > ReadyTimeout)
                throw new TimeoutException($"{process.Name} was not ready after {ReadyTimeout.TotalSeconds} s. Output:{Environment.NewLine}{process.Tail}");
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

    /// <summary>Resident memory of all the system's processes.</summary>
    public long RssKiB() => _processes.Sum(p => ProcessStats.RssKiB(p.Pid));

    /// <summary>CPU time of all the system's processes.</summary>
    public TimeSpan CpuTime() => _processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + ProcessStats.CpuTime(p.Pid));

    public void Dispose()
    {
        foreach (var process in _processes)
            process.Dispose();
    }
}
