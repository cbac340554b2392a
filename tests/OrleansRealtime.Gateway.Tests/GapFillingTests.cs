using System.Text;
using Orleans;
using Orleans.Core.Internal;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.History;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>
/// A message that is in history but never arrived on the stream (a lost or failed stream event) still reaches
/// subscribers in order. The tests write such a message straight into the embedded silo's history store.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class GapFillingTests(GapFillingTests.Fixture fixture) : IClassFixture<GapFillingTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Feeds:AuditSeconds"] = "1",
        };
    }

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task AMessageMissingFromTheStreamIsFilledFromHistoryBeforeTheNextOne()
    {
        var (channel, subscriber, publisher, epoch) = await OneMessageDeliveredAsync();
        await using var _ = subscriber;
        await using var __ = publisher;

        await AppendBehindTheStreamAsync(channel, offset: 2, epoch, "\"two\"");
        var third = await publisher.PublishAsync(channel, "three");

        third.GetProperty("offset").GetInt64().Should().Be(3, "the grain re-reads the store's top when its append is refused");
        var received = await subscriber.MessagesAsync(channel, 2);
        received.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal(2, 3);
        received.Select(m => m.GetProperty("data").GetString()).Should().Equal("two", "three");
    }

    [Fact]
    public async Task ALostLastMessageIsDeliveredByTheAuditWithoutAnyLaterPublication()
    {
        var (channel, subscriber, publisher, epoch) = await OneMessageDeliveredAsync();
        await using var _ = subscriber;
        await using var __ = publisher;

        await AppendBehindTheStreamAsync(channel, offset: 2, epoch, "\"lost on the stream\"");
        // The grain caches its top; a fresh activation reads it from the store, as after a silo failover.
        await Gateway.GetRequiredService<IGrainFactory>().GetGrain<IChannelGrain>(channel).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var received = await subscriber.MessagesAsync(channel, 1);
        received[0].GetProperty("offset").GetInt64().Should().Be(2);
        received[0].GetProperty("data").GetString().Should().Be("lost on the stream");
    }

    /// <summary>A subscriber that has received offset 1 of a fresh channel, and the publisher that sent it.</summary>
    private async Task<(string Channel, RealtimeTestClient Subscriber, RealtimeTestClient Publisher, string Epoch)> OneMessageDeliveredAsync()
    {
        var channel = TestNames.Channel();
        var subscriber = await Gateway.ConnectAsync();
        var publisher = await Gateway.ConnectAsync();
        await subscriber.SubscribeAsync(channel);
        var epoch = (await publisher.PublishAsync(channel, "one")).GetProperty("epoch").GetString()!;
        await subscriber.MessagesAsync(channel, 1);
        return (channel, subscriber, publisher, epoch);
    }

    private Task AppendBehindTheStreamAsync(string channel, long offset, string epoch, string json) =>
        Gateway.GetRequiredService<IHistoryStore>().AppendAsync(
            new ChannelMessage(channel, offset, epoch, Encoding.UTF8.GetBytes(json), "ghost", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), MessagePriority.Normal)).AsTask();
}
