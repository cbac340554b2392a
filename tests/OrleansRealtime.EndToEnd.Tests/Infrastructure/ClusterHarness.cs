using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A whole cluster of processes for one test or one test class: Redis (with Redis clustering), silos and gateways on
/// free loopback ports. Disposing stops every process it started, also those a test started through it later, and
/// only those.
/// </summary>
public sealed class ClusterHarness : IAsyncDisposable
{
    private const int OutputLinesLogged = 60;

    private readonly ClusterHarnessOptions _options;
    private readonly List<SiloProcess> _silos = [];
    private readonly List<GatewayProcess> _gateways = [];
    private readonly Lock _lock = new();
    private RedisServer? _ownedRedis;
    private int _siloCount;

    private ClusterHarness(ClusterHarnessOptions options, ClusterSettings settings)
    {
        _options = options;
        Settings = settings;
    }

    public ClusterSettings Settings { get; private set; }

    public IReadOnlyList<SiloProcess> Silos
    {
        get
        {
            lock (_lock)
                return [.. _silos];
        }
    }

    public IReadOnlyList<GatewayProcess> Gateways
    {
        get
        {
            lock (_lock)
                return [.. _gateways];
        }
    }

    /// <summary>The gateway whose <c>Realtime:GatewayId</c> is <paramref name="gatewayId"/>.</summary>
    public GatewayProcess Gateway(string gatewayId) =>
        Gateways.SingleOrDefault(g => g.GatewayId == gatewayId) ?? throw new ArgumentException($"no gateway '{gatewayId}' in this cluster", nameof(gatewayId));

    /// <summary>
    /// Starts Redis (with Redis clustering, unless <see cref="ClusterHarnessOptions.Redis"/> lends one), then the silos
    /// one after another, then the gateways (<c>gw-a</c>, <c>gw-b</c>, …) side by side. If anything fails to start,
    /// whatever did start is stopped again.
    /// </summary>
    public static async Task<ClusterHarness> StartAsync(ClusterHarnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Clustering == Clustering.Localhost && options.Silos != 1)
            throw new ArgumentException("Localhost clustering runs exactly one silo.", nameof(options));

        var settings = new ClusterSettings(options.Clustering, options.ClusterId ?? $"e2e-{Guid.NewGuid():N}", RedisConnectionString: null, Overrides: options.Environment);
        var harness = new ClusterHarness(options, settings);
        try
        {
            if (options.Clustering == Clustering.Redis)
            {
                var redis = options.Redis ?? (harness._ownedRedis = await RedisServer.StartAsync());
                harness.Settings = harness.Settings with { RedisConnectionString = redis.ConnectionString };
            }

            for (var i = 0; i < options.Silos; i++)
                await harness.StartSiloAsync();

            await Task.WhenAll(Enumerable.Range(0, options.Gateways).Select(i => harness.StartGatewayAsync($"gw-{(char)('a' + i)}")));
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more silo in the cluster, on free ports or on <paramref name="ports"/> (e.g. those of a silo that was
    /// killed: a restarted silo on the same endpoint replaces the dead one's membership entry at once).
    /// </summary>
    public async Task<SiloProcess> StartSiloAsync(SiloPorts? ports = null)
    {
        var name = $"silo-{Interlocked.Increment(ref _siloCount)}";
        var silo = await SiloProcess.StartAsync(name, Settings, ports);
        lock (_lock)
            _silos.Add(silo);

        // With Localhost clustering, gateways connect to the one silo's gateway port.
        if (Settings.Clustering == Clustering.Localhost)
            Settings = Settings with { SiloGatewayPort = silo.Ports.GatewayPort };
        return silo;
    }

    /// <summary>Starts one more gateway in the cluster.</summary>
    public async Task<GatewayProcess> StartGatewayAsync(string gatewayId)
    {
        var gateway = await GatewayProcess.StartAsync(gatewayId, Settings);
        lock (_lock)
            _gateways.Add(gateway);
        return gateway;
    }

    /// <summary>The last lines of every process's output, for a failure message or the test log.</summary>
    public string DescribeOutput(int lines = OutputLinesLogged)
    {
        var processes = Silos.Select(s => s.Process).Concat(Gateways.Select(g => g.Process));
        return string.Join("\n\n", processes.Select(p => p.DescribeOutput(lines)));
    }

    public async ValueTask DisposeAsync()
    {
        // The log gets the processes' last words before they are stopped: a failing test's story is in there.
        if (_options.Log is { } log)
        {
            try
            {
                log(DescribeOutput());
            }
            catch (InvalidOperationException)
            {
                // The test's output is already closed.
            }
        }

        var failures = new List<Exception>();
        foreach (var gateway in Gateways)
            Stop(gateway.Dispose, failures);
        foreach (var silo in Silos)
            Stop(silo.Dispose, failures);
        if (_ownedRedis is not null)
            await _ownedRedis.DisposeAsync();

        if (failures.Count > 0)
            throw new AggregateException("some processes of the cluster could not be stopped", failures);
    }

    private static void Stop(Action dispose, List<Exception> failures)
    {
        try
        {
            dispose();
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            failures.Add(ex);
        }
    }
}

/// <summary>What a <see cref="ClusterHarness"/> starts.</summary>
public sealed record ClusterHarnessOptions(Clustering Clustering, int Silos = 1, int Gateways = 2)
{
    /// <summary>A Redis server to use instead of starting one; the harness does not stop it.</summary>
    public RedisServer? Redis { get; init; }

    /// <summary>The cluster id; unique per harness when unset.</summary>
    public string? ClusterId { get; init; }

    /// <summary>Configuration for every silo and gateway of this cluster (environment variable names), over the test defaults.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>Receives the processes' last output lines when the harness is disposed (e.g. a test's output helper).</summary>
    public Action<string>? Log { get; init; }
}
