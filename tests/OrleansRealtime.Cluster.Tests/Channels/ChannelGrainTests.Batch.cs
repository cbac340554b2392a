using System.Text;
using OrleansRealtime.Channels;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Channels;

/// <summary>The channel grain's batch publish (a gateway's group commit), for every storage.</summary>
public abstract partial class ChannelGrainTests
{
    [Fact]
    public async Task ABatchGetsConsecutiveOffsetsInRequestOrderAfterTheTop()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 2);

        var results = await grain.PublishBatchAsync([Request("a"), Request("b"), Request("c")]);

        results.Should().Equal(
            new PublishResult(3, epoch, null), new PublishResult(4, epoch, null), new PublishResult(5, epoch, null));
        var page = await grain.ReadAsync(new HistoryQuery(2, epoch, 10));
        page.Messages.Select(Text).Should().Equal("a", "b", "c");
        page.Messages.Select(m => m.Offset).Should().Equal(3, 4, 5);
        (await grain.GetPositionAsync()).Should().Be(new ChannelPosition(5, epoch));
        (await grain.GetInfoAsync()).Published.Should().Be(5);
    }

    [Fact]
    public async Task ARefusedRequestInABatchGetsItsErrorAndTakesNoOffset()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 1);

        var results = await grain.PublishBatchAsync([Request("first"), new PublishRequest(null!, "user-1"), Request("third")]);

        results[0].Should().Be(new PublishResult(2, epoch, null));
        results[1].Error.Should().NotBeNullOrEmpty();
        results[2].Should().Be(new PublishResult(3, epoch, null));
        var page = await grain.ReadAsync(new HistoryQuery(1, epoch, 10));
        page.Messages.Select(Text).Should().Equal("first", "third");
    }

    [Fact]
    public async Task ABatchOfOnlyRefusedRequestsLeavesTheChannelWhereItWas()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 2);

        var results = await grain.PublishBatchAsync([new PublishRequest(null!, "user-1")]);

        results.Should().ContainSingle().Which.Error.Should().NotBeNullOrEmpty();
        (await grain.GetPositionAsync()).Should().Be(new ChannelPosition(2, epoch));
        (await grain.PublishAsync(Request("next"))).Should().Be(new ChannelPosition(3, epoch));
    }

    [Fact]
    public async Task ABatchAfterAForeignAppendTakesTheStorePositionAndRetries()
    {
        var channel = NewChannel();
        var grain = Grain(channel);
        var epoch = await PublishManyAsync(grain, 3);
        await Fixture.HistoryStore.AppendAsync(new ChannelMessage(channel, 4, epoch, Encoding.UTF8.GetBytes("\"foreign\""), null, 0, MessagePriority.Normal));

        var results = await grain.PublishBatchAsync([Request("x"), Request("y")]);

        results.Select(r => r.Offset).Should().Equal(5, 6);
        var page = await grain.ReadAsync(new HistoryQuery(3, epoch, 10));
        page.Messages.Select(Text).Should().Equal("foreign", "x", "y");
    }

    [Fact]
    public async Task TheStreamDeliversABatchAsSingleMessagesInOffsetOrder()
    {
        const int count = 12;
        var channel = NewChannel();
        var (received, all, subscription) = await CollectStreamAsync(channel, count);

        try
        {
            var grain = Grain(channel);
            await grain.PublishBatchAsync([.. Enumerable.Range(0, count / 2).Select(i => Request($"a{i}"))]);
            await grain.PublishBatchAsync([.. Enumerable.Range(0, count / 2).Select(i => Request($"b{i}"))]);

            await all.WithTimeout(Timeout, $"{count} stream deliveries");
            lock (received)
            {
                received.Select(m => m.Offset).Should().Equal(Enumerable.Range(1, count).Select(i => (long)i));
                received.Select(Text).Should().Equal(Enumerable.Range(0, count / 2).Select(i => $"a{i}").Concat(Enumerable.Range(0, count / 2).Select(i => $"b{i}")));
            }
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }
}
