using OrleansRealtime.Streams;
using OrleansRealtime.Testing;
using StackExchange.Redis;

namespace OrleansRealtime.Cluster.Tests.Streams;

[Trait("Category", "Cluster")]
[Collection(RedisFixture.Collection)]
public sealed class RedisStreamStoreTests(RedisFixture redis) : StreamStoreContractTests, IAsyncLifetime
{
    private ConnectionMultiplexer _connection = null!;
    private IStreamStore? _store;

    protected override IStreamStore Store => _store ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync()
    {
        _connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        _store = new RedisStreamStore(_connection);
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    // Redis measures idle time on its own clock: poll its pending list, with a deadline, until the time-out has passed there.
    protected override Task LetAckTimeoutPassAsync(string stream, string group, TimeSpan ackTimeout) =>
        Eventually.HoldsAsync(
            async () => (await Store.DescribeGroupAsync(stream, group, 1000))!.Pending,
            pending => pending.All(p => p.IdleMs >= ackTimeout.TotalMilliseconds),
            $"every pending event of {group} to be idle for {ackTimeout.TotalMilliseconds} ms");

    [Fact]
    public async Task GroupsAndEventsAreNativeRedisStreamsInTheStreamsKeys()
    {
        var stream = await StreamWithEventsAsync(3);
        await Store.ReadGroupAsync(stream, "workers", "w1", 2, NeverIdle, RetentionCut.None);

        var db = _connection.GetDatabase();
        var info = await db.StreamGroupInfoAsync(RedisStreamStore.LogKey(stream));
        var pending = await db.StreamPendingAsync(RedisStreamStore.LogKey(stream), "workers");

        info.Should().ContainSingle().Which.LastDeliveredId.Should().Be("2-0");
        pending.PendingMessageCount.Should().Be(2);
        _connection.HashSlot(RedisStreamStore.MetaKey(stream)).Should().Be(_connection.HashSlot(RedisStreamStore.LogKey(stream)));
    }

    [Fact]
    public async Task AnotherStoreOnTheSameRedisSeesTheSameStreamAndGroups()
    {
        var stream = await StreamWithEventsAsync(3);
        await Store.ReadGroupAsync(stream, "workers", "w1", 1, NeverIdle, RetentionCut.None);

        await using var other = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var second = new RedisStreamStore(other);

        (await second.GetAsync(stream))!.LastOffset.Should().Be(3);
        (await second.ReadGroupAsync(stream, "workers", "w2", 10, NeverIdle, RetentionCut.None)).Select(d => d.Event.Offset).Should().Equal(2, 3);
    }
}
