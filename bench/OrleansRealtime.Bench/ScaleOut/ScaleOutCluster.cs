using System.Diagnostics;
using System.Globalization;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Processes;
using OrleansRealtime.Bench.Streams;

namespace OrleansRealtime.Bench.ScaleOut;

/// <summary>
/// One measured cluster, as production runs it: a <c>redis-server</c>, silo processes clustered and storing through it,
/// and gateway processes that are pure Orleans clients (<c>gw-1</c>, <c>gw-2</c>, …), all children of the bench under a
/// fresh cluster id, stopped by PID.
/// </summary>
internal sealed class ScaleOutCluster : IDisposable
{
    private const string SiloReadyLine = "OrleansRealtime silo ready";
    private static readonly TimeSpan SiloReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly RedisProcess _redis;
    private readonly List<ChildProcess> _silos = [];
    private readonly List<ServerUnderTest?> _gateways = [];

    private ScaleOutCluster(RedisProcess redis) => _redis = redis;

    /// <summary>The gateways by index; a killed one is null.</summary>
    public IReadOnlyList<ServerUnderTest?> Gateways => _gateways;

    public IEnumerable<ServerUnderTest> LiveGateways => _gateways.OfType<ServerUnderTest>();

    public static async Task<ScaleOutCluster> StartAsync(ScaleOutOptions options, int gateways, BenchPaths paths, CancellationToken cancellationToken)
    {
        var silo = Path.Combine(paths.RepositoryRoot, "silo", "bin", "Release", "net10.0", "OrleansRealtime.Silo.dll");
        if (!File.Exists(silo))
            throw new FileNotFoundException($"the silo is not built at {silo}: run `dotnet build OrleansRealtime.sln -c Release`");

        var cluster = new ScaleOutCluster(await RedisProcess.StartAsync(cancellationToken));
        try
        {
            var common = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Orleans__Clustering"] = "Redis",
                ["ConnectionStrings__Redis"] = cluster._redis.ConnectionString,
                ["Orleans__ClusterId"] = $"bench-{Guid.NewGuid():N}",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Realtime__Presence__LeaseSeconds"] = ScaleOutOptions.Seconds(options.LeaseSeconds),
                ["Realtime__Presence__RenewSeconds"] = ScaleOutOptions.Seconds(Math.Max(1, options.LeaseSeconds / 3)),
                ["Realtime__History__Size"] = options.HistorySize.ToString(CultureInfo.InvariantCulture),
            };
            for (var i = 1; i <= options.Silos; i++)
                cluster._silos.Add(await StartSiloAsync($"silo-{i}", paths.DotnetHost, silo, common, cancellationToken));

            var started = await Task.WhenAll(Enumerable.Range(1, gateways).Select(i =>
            {
                var environment = new Dictionary<string, string>(common, StringComparer.Ordinal) { ["Realtime__GatewayId"] = $"gw-{i}" };
                foreach (var (key, value) in options.Run.GatewayEnvironment)
                    environment[key] = value;
                return ServerUnderTest.StartAsync(BenchSystem.OrleansRealtime, environment, paths, cancellationToken);
            }));
            cluster._gateways.AddRange(started);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL of one gateway (and with it, every connection it held).</summary>
    public void KillGateway(int index)
    {
        _gateways[index]?.Dispose();
        _gateways[index] = null;
    }

    /// <summary>CPU time so far of the gateways, the silos and Redis, to divide by the messages of a phase.</summary>
    public ClusterCpu Cpu() => new(
        TimeSpan.FromTicks(LiveGateways.Sum(g => g.CpuTime().Ticks)),
        TimeSpan.FromTicks(_silos.Sum(s => ProcessStats.CpuTime(s.Pid).Ticks)),
        ProcessStats.CpuTime(_redis.Pid));

    public void Dispose()
    {
        foreach (var gateway in LiveGateways)
            gateway.Dispose();
        foreach (var silo in _silos)
            silo.Dispose();
        _redis.Dispose();
    }

    private static async Task<ChildProcess> StartSiloAsync(string name, string dotnet, string dll, Dictionary<string, string> common, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(common, StringComparer.Ordinal)
        {
            ["Orleans__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        var process = ChildProcess.Start(name, dotnet, [dll], Path.GetDirectoryName(dll)!, environment);
        var started = Stopwatch.GetTimestamp();
        while (!process.Tail.Contains(SiloReadyLine, StringComparison.Ordinal))
        {
            if (process.HasExited || Stopwatch.GetElapsedTime(started) > SiloReadyTimeout)
            {
                process.Dispose();
                throw new InvalidOperationException($"{name} was not ready within {SiloReadyTimeout.TotalSeconds} s. Output:{Environment.NewLine}{process.Tail}");
            }

            await Task.Delay(100, cancellationToken);
        }

        return process;
    }
}

/// <summary>CPU time of the cluster's parts at one moment.</summary>
internal readonly record struct ClusterCpu(TimeSpan Gateways, TimeSpan Silos, TimeSpan Redis)
{
    public ClusterCpu Since(ClusterCpu start) => new(Gateways - start.Gateways, Silos - start.Silos, Redis - start.Redis);
}
