using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One cluster of processes (by default 1 silo, gateways <c>gw-a</c> and <c>gw-b</c>) shared by the tests of a class that
/// leave it intact, and the Redis server (with Redis clustering) that tests which kill processes share for clusters of their
/// own, each under its own cluster id.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    private RedisServer? _redis;
    private ClusterHarness? _cluster;

    public abstract Clustering Clustering { get; }

    /// <summary>Silos of the shared cluster.</summary>
    public virtual int SharedSilos => 1;

    /// <summary>Gateways of the shared cluster (<c>gw-a</c>, <c>gw-b</c>, …).</summary>
    public virtual int SharedGateways => 2;

    public ClusterHarness Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    /// <summary>
    /// Options for a private cluster that a test may destroy: the same clustering, on this fixture's Redis, under a
    /// cluster id of its own; its processes' last output goes to <paramref name="log"/> when it is disposed.
    /// <paramref name="environment"/> adds configuration for its processes.
    /// </summary>
    public ClusterHarnessOptions PrivateCluster(
        Action<string> log, int silos = 1, int gateways = 2, IReadOnlyDictionary<string, string?>? environment = null) =>
        new(Clustering, silos, gateways) { Redis = _redis, Log = log, Environment = environment };

    public async Task InitializeAsync()
    {
        if (Clustering == Clustering.Redis)
            _redis = await RedisServer.StartAsync();
        _cluster = await ClusterHarness.StartAsync(new ClusterHarnessOptions(Clustering, SharedSilos, SharedGateways) { Redis = _redis });
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_cluster is not null)
                await _cluster.DisposeAsync();
        }
        finally
        {
            if (_redis is not null)
                await _redis.DisposeAsync();
        }
    }
}

/// <summary>Gateways find the one silo on its loopback gateway port.</summary>
public sealed class LocalhostClusterFixture : ClusterFixture
{
    public override Clustering Clustering => Clustering.Localhost;
}

/// <summary>Silos and gateways find each other through a real Redis.</summary>
public sealed class RedisClusterFixture : ClusterFixture
{
    public override Clustering Clustering => Clustering.Redis;
}

/// <summary>The scale-out topology on Redis: 2 silos and 3 gateways (<c>gw-a</c>, <c>gw-b</c>, <c>gw-c</c>).</summary>
public sealed class ScaleOutClusterFixture : ClusterFixture
{
    public override Clustering Clustering => Clustering.Redis;

    public override int SharedSilos => 2;

    public override int SharedGateways => 3;
}
