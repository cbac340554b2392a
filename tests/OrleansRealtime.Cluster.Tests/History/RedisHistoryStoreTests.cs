using OrleansRealtime.History;
using OrleansRealtime.Testing;
using OrleansRealtime.Unit.Tests.History;
using StackExchange.Redis;

namespace OrleansRealtime.Cluster.Tests.History;

[Trait("Category", "Cluster")]
[Collection(RedisFixture.Collection)]
public sealed class RedisHistoryStoreTests(RedisFixture redis) : HistoryStoreContractTests, IAsyncLifetime
{
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() =>
        _connection = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    protected override IHistoryStore CreateStore(HistoryOptions options) => new RedisHistoryStore(_connection, Wrap(options), Clock);

    protected override async Task<IHistoryStore> LoseEverythingAsync(IHistoryStore store, HistoryOptions options)
    {
        await redis.Server.FlushAllAsync();
        return store;
    }

    [Fact]
    public async Task AnotherStoreOnTheSameRedisContinuesTheSameLog()
    {
        var options = Options();
        var channel = NewChannel();
        var first = CreateStore(options);
        var epoch = (await first.OpenAsync(channel)).Epoch;
        await AppendAsync(first, channel, epoch, 1, 4);

        await using var otherConnection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var second = new RedisHistoryStore(otherConnection, Wrap(options), Clock);

        (await second.OpenAsync(channel)).Should().Be(new OrleansRealtime.Channels.ChannelPosition(4, epoch));
        await AppendAsync(second, channel, epoch, 5, 5);
        Offsets(await first.ReadAsync(channel, 0, 10)).Should().Equal(1, 2, 3, 4, 5);
    }

    [Fact]
    public async Task TheLogExpiresWithItsTtlButTheMetaKeyNever()
    {
        var store = CreateStore(Options(ttlSeconds: 60));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;

        await AppendAsync(store, channel, epoch, 1, 1);

        var db = _connection.GetDatabase();
        var logTtl = await db.KeyTimeToLiveAsync(RedisHistoryStore.LogKey(channel));
        logTtl.Should().NotBeNull().And.BeGreaterThan(TimeSpan.FromSeconds(50)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(60));
        (await db.KeyExistsAsync(RedisHistoryStore.MetaKey(channel))).Should().BeTrue();
        (await db.KeyTimeToLiveAsync(RedisHistoryStore.MetaKey(channel))).Should().BeNull();
    }

    [Fact]
    public async Task WithoutTtlTheLogDoesNotExpire()
    {
        var store = CreateStore(Options(ttlSeconds: 0));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;

        await AppendAsync(store, channel, epoch, 1, 1);

        (await _connection.GetDatabase().KeyTimeToLiveAsync(RedisHistoryStore.LogKey(channel))).Should().BeNull();
    }

    [Fact]
    public async Task AnExpiredLogKeyLeavesThePositionAndTheEpoch()
    {
        var store = CreateStore(Options(ttlSeconds: 60));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 3);

        // What Redis does on its own once PEXPIRE runs out.
        await _connection.GetDatabase().KeyDeleteAsync(RedisHistoryStore.LogKey(channel));

        var slice = await store.ReadAsync(channel, 0, 10);
        slice.Should().BeEquivalentTo(new { Epoch = epoch, Top = 3L, Oldest = 4L });
        await AppendAsync(store, channel, epoch, 4, 4);
        Offsets(await store.ReadAsync(channel, 0, 10)).Should().Equal(4);
    }

    [Fact]
    public async Task AStaleLogWithoutMetaDoesNotLeakIntoTheNewEpoch()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var oldEpoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, oldEpoch, 1, 3);
        await _connection.GetDatabase().KeyDeleteAsync(RedisHistoryStore.MetaKey(channel));

        var reopened = await store.OpenAsync(channel);
        await AppendAsync(store, channel, reopened.Epoch, 1, 1);

        reopened.Epoch.Should().NotBe(oldEpoch);
        var slice = await store.ReadAsync(channel, 0, 10);
        Offsets(slice).Should().Equal(1);
        Encoding(slice.Messages[0].Data).Should().Be("\"m1\"");
    }

    [Fact]
    public async Task ScriptsAreSentAgainWhenRedisForgotThem()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 1);

        await _connection.GetServers()[0].ScriptFlushAsync();

        await AppendAsync(store, channel, epoch, 2, 2);
        Offsets(await store.ReadAsync(channel, 0, 10)).Should().Equal(1, 2);
        (await store.CountAsync(channel)).Should().Be(2);
    }

    [Fact]
    public void BothKeysOfAChannelLandInTheSameClusterSlot()
    {
        var channel = "metrics.cpu";

        _connection.HashSlot(RedisHistoryStore.MetaKey(channel)).Should().Be(_connection.HashSlot(RedisHistoryStore.LogKey(channel)));
        ((string?)RedisHistoryStore.LogKey(channel)).Should().Be("rt:{metrics.cpu}:log");
    }

    private static string Encoding(byte[] data) => System.Text.Encoding.UTF8.GetString(data);
}
