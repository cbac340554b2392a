using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>Stream subscriptions count against <c>MaxSubscriptionsPerConnection</c> together with channels and patterns.</summary>
[Trait("Category", "EndToEnd")]
public sealed class StreamSubscriptionLimitTests(StreamSubscriptionLimitTests.Fixture fixture) : IClassFixture<StreamSubscriptionLimitTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:MaxSubscriptionsPerConnection"] = "2",
        };
    }

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task AStreamPastTheLimitIsRefusedWithLimitExceededUntilASlotIsFreed()
    {
        var (first, second) = (await CreateStreamAsync(), await CreateStreamAsync());
        await using var client = await Gateway.ConnectAsync();
        await client.SubscribeAsync(TestNames.Channel());
        RealtimeClient.ExpectAck(await SubscribeAsync(client, first));

        var refused = await SubscribeAsync(client, second);
        RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "unsubscribe", ["stream"] = first }));
        var afterUnsubscribe = await SubscribeAsync(client, second);

        refused.GetProperty("code").GetString().Should().Be("limit_exceeded", "one channel and one stream fill a limit of two");
        afterUnsubscribe.GetProperty("type").GetString().Should().Be("ack", "unsubscribing frees the stream's slot");
    }

    [Fact]
    public async Task PatternsAndStreamsShareTheLimit()
    {
        var (first, second) = (await CreateStreamAsync(), await CreateStreamAsync());
        await using var client = await Gateway.ConnectAsync();
        RealtimeClient.ExpectAck(await SubscribeAsync(client, first));
        RealtimeClient.ExpectAck(await SubscribeAsync(client, second));

        var pattern = await client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["pattern"] = $"{TestNames.Channel()}.*" });

        pattern.GetProperty("code").GetString().Should().Be("limit_exceeded");
    }

    private static Task<JsonElement> SubscribeAsync(RealtimeClient client, string stream) =>
        client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["stream"] = stream });

    private async Task<string> CreateStreamAsync()
    {
        var stream = TestNames.Channel("limited");
        using var response = await Gateway.Http.PostAsJsonAsync("/api/streams", new { name = stream, type = "event" });
        response.EnsureSuccessStatusCode();
        return stream;
    }
}
