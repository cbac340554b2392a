using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

[Trait("Category", "EndToEnd")]
public sealed class HistoryBoundsTests(HistoryBoundsTests.Fixture fixture) : IClassFixture<HistoryBoundsTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:History:Size"] = "10",
            ["Realtime:History:MaxPageSize"] = "4",
        };
    }

    [Fact]
    public async Task RecoveryPastTheRetainedHistoryAnswersRecoveredFalse()
    {
        var channel = TestNames.Channel();
        await using var publisher = await fixture.Host.ConnectAsync();
        var epoch = await publisher.PublishNumbersAsync(channel, 30);

        await using var subscriber = await fixture.Host.ConnectAsync();
        var ack = await subscriber.SubscribeAsync(channel, sinceOffset: 5, sinceEpoch: epoch);
        ack.GetProperty("recovered").GetBoolean().Should().BeFalse("offsets 6..20 are no longer retained");
        ack.GetProperty("offset").GetInt64().Should().Be(30);

        await publisher.PublishAsync(channel, 31);
        (await subscriber.MessagesAsync(channel, 1))[0].GetProperty("offset").GetInt64().Should().Be(31);
    }

    [Fact]
    public async Task RecoveryWithinTheRetainedHistorySpansSeveralPages()
    {
        var channel = TestNames.Channel();
        await using var publisher = await fixture.Host.ConnectAsync();
        var epoch = await publisher.PublishNumbersAsync(channel, 30);

        await using var subscriber = await fixture.Host.ConnectAsync();
        var ack = await subscriber.SubscribeAsync(channel, sinceOffset: 20, sinceEpoch: epoch);
        ack.GetProperty("recovered").GetBoolean().Should().BeTrue();

        var replayed = await subscriber.MessagesAsync(channel, 10);
        replayed.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal(Enumerable.Range(21, 10).Select(i => (long)i), "pages of 4 are stitched together");
    }

    [Fact]
    public async Task HistoryKeepsOnlyTheConfiguredSizeAndCapsThePage()
    {
        var channel = TestNames.Channel();
        await using var client = await fixture.Host.ConnectAsync();
        await client.PublishNumbersAsync(channel, 30);

        var page = RealtimeTestClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "history", ["channel"] = channel, ["limit"] = 100 }));
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("offset").GetInt64()).Should().Equal(21, 22, 23, 24);
        page.GetProperty("more").GetBoolean().Should().BeTrue();

        var info = await fixture.Host.Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/channels/{channel}");
        info.GetProperty("historyLength").GetInt32().Should().Be(10);
        info.GetProperty("offset").GetInt64().Should().Be(30);
    }
}
