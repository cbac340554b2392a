using OrleansRealtime.Channels;
using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Channels;

[Trait("Category", "Cluster")]
public sealed class RedisChannelGrainTests(RedisChannelClusterFixture fixture)
    : ChannelGrainTests(fixture), IClassFixture<RedisChannelClusterFixture>
{
    [Fact]
    public async Task OffsetsAndEpochContinueOnANewClusterOverTheSameRedis()
    {
        var channel = NewChannel();
        var first = await fixture.StartClusterAsync().WithTimeout(Timeout, "a first cluster to start");
        string epoch;
        try
        {
            epoch = await PublishManyAsync(first.Client.GetGrain<IChannelGrain>(channel), 5);
        }
        finally
        {
            await ChannelClusterFixture.StopAsync(first);
        }

        var second = await fixture.StartClusterAsync().WithTimeout(Timeout, "a second cluster to start");
        try
        {
            var grain = second.Client.GetGrain<IChannelGrain>(channel);
            (await grain.GetPositionAsync()).Should().Be(new ChannelPosition(5, epoch));
            (await grain.PublishAsync(Request("after restart"))).Should().Be(new ChannelPosition(6, epoch));
            Offsets(await grain.ReadAsync(new HistoryQuery(0, epoch, 10))).Should().Equal(1, 2, 3, 4, 5, 6);
        }
        finally
        {
            await ChannelClusterFixture.StopAsync(second);
        }
    }

    [Fact]
    public async Task AFlushedRedisMeansANewEpoch()
    {
        var grain = Grain(NewChannel());
        var oldEpoch = await PublishManyAsync(grain, 3);

        await fixture.Redis.FlushAllAsync();

        // Until the next publication, the grain still answers in its epoch, and a reader behind it learns the
        // messages are gone.
        var behind = await grain.ReadAsync(new HistoryQuery(1, oldEpoch, 10));
        behind.Messages.Should().BeEmpty();
        behind.Should().BeEquivalentTo(new { Epoch = oldEpoch, Continuous = false, More = false });

        var position = await grain.PublishAsync(Request("first of the new epoch"));
        position.Offset.Should().Be(1);
        position.Epoch.Should().NotBe(oldEpoch);
        (await grain.GetPositionAsync()).Should().Be(position);

        var stale = await grain.ReadAsync(new HistoryQuery(3, oldEpoch, 10));
        stale.Epoch.Should().Be(position.Epoch);
        stale.Continuous.Should().BeFalse();
        stale.Messages.Select(Text).Should().Equal("first of the new epoch");
    }
}
