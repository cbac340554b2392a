using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Infrastructure;

/// <summary>Two silos with grain storage and history on a Redis server of their own.</summary>
public sealed class RedisChannelClusterFixture : ChannelClusterFixture
{
    private RedisServer? _redis;

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("Redis has not started.");

    protected override short SiloCount => 2;

    public override async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
            await _redis.DisposeAsync();
    }

    protected override IReadOnlyDictionary<string, string> StorageSettings() =>
        new Dictionary<string, string>
        {
            ["Orleans:Storage"] = "Redis",
            ["ConnectionStrings:Redis"] = Redis.ConnectionString,
        };
}
