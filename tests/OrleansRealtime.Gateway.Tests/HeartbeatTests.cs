using System.Net.WebSockets;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;

namespace OrleansRealtime.Gateway.Tests;

[Trait("Category", "EndToEnd")]
public sealed class HeartbeatTests(HeartbeatTests.Fixture fixture) : IClassFixture<HeartbeatTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:HeartbeatSeconds"] = "1",
            ["Realtime:Limits:PongTimeoutSeconds"] = "1",
        };
    }

    [Fact]
    public async Task TheServerPingsAndAClientThatAnswersStaysConnected()
    {
        await using var client = await fixture.Host.ConnectAsync(answerPings: false);
        client.Welcome.GetProperty("heartbeat").GetInt32().Should().Be(1);

        // Three pings answered span well past the idle time-out of 2 s: answering keeps the connection alive.
        for (var i = 0; i < 3; i++)
        {
            var ping = await client.NextAsync(f => f.GetProperty("type").GetString() == "ping", "a server ping", TimeSpan.FromSeconds(10));
            ping.EnumerateObject().Should().ContainSingle("a server ping is just {\"type\":\"ping\"}");
            await client.SendAsync(new { type = "pong" });
        }

        client.State.Should().Be(WebSocketState.Open);
        var pong = await client.RequestAsync(new JsonObject { ["type"] = "ping" });
        pong.GetProperty("type").GetString().Should().Be("pong");
    }

    [Fact]
    public async Task AClientThatAnswersPingsOutlivesTheIdleTimeoutWithoutSendingAnythingElse()
    {
        var channel = TestNames.Channel();
        await using var client = await fixture.Host.ConnectAsync();
        await client.SubscribeAsync(channel);

        // Well past HeartbeatSeconds + PongTimeoutSeconds (2 s): only the automatic pongs keep it alive.
        for (var i = 0; i < 4; i++)
            await client.NextAsync(f => f.GetProperty("type").GetString() == "ping", "a server ping", TimeSpan.FromSeconds(10));

        client.State.Should().Be(WebSocketState.Open);
        await using var publisher = await fixture.Host.ConnectAsync();
        await publisher.PublishAsync(channel, "still here");
        (await client.MessagesAsync(channel, 1))[0].GetProperty("data").GetString().Should().Be("still here");
    }

    [Fact]
    public async Task ASilentClientIsClosedAsIdleAndItsSubscriptionsReleased()
    {
        var channel = TestNames.Channel();
        var client = await fixture.Host.ConnectAsync(answerPings: false);
        await client.SubscribeAsync(channel);

        var (status, description) = await client.ClosedAsync(TimeSpan.FromSeconds(15));
        status.Should().Be((WebSocketCloseStatus)4009);
        description.Should().Be("idle_timeout");

        var feeds = fixture.Host.GetRequiredService<Cluster.ChannelFeedRegistry>();
        await OrleansRealtime.Testing.Eventually.HoldsAsync(
            () => Task.FromResult(feeds.Snapshot().Any(f => f.Channel == channel)), any => !any, "the idle client's feed is released");
        await client.DisposeAsync();
    }
}
