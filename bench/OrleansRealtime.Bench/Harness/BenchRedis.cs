using OrleansRealtime.Bench.Streams;

namespace OrleansRealtime.Bench.Harness;

/// <summary>The Redis that systems of several nodes share: the caller's (<c>--redis</c>), or one the bench starts and stops.</summary>
internal sealed class BenchRedis : IDisposable
{
    private readonly RedisProcess? _owned;

    private BenchRedis(string? connection, RedisProcess? owned)
    {
        Connection = connection;
        _owned = owned;
    }

    /// <summary>host:port, or null when no system needs Redis.</summary>
    public string? Connection { get; }

    public static async Task<BenchRedis> StartIfNeededAsync(IEnumerable<BenchSystem> systems, RunOptions run, CancellationToken cancellationToken)
    {
        if (!systems.Any(s => s.NeedsRedis))
            return new BenchRedis(null, null);
        if (run.Redis is { } given)
            return new BenchRedis(given, null);
        var redis = await RedisProcess.StartAsync(cancellationToken);
        Interleaved.Progress($"redis-server started on {redis.ConnectionString}");
        return new BenchRedis(redis.ConnectionString, redis);
    }

    public void Dispose() => _owned?.Dispose();
}
