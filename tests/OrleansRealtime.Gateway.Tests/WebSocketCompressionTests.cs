using System.Net.WebSockets;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>permessage-deflate (RFC 7692): negotiated only when the gateway enables it and the client offers it.</summary>
[Trait("Category", "EndToEnd")]
public sealed class WebSocketCompressionTests(WebSocketCompressionTests.Fixture fixture, GatewayFixture plain)
    : IClassFixture<WebSocketCompressionTests.Fixture>, IClassFixture<GatewayFixture>
{
    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Transports:WebSocketCompression"] = "true",
        };
    }

    [Fact]
    public async Task AnEnabledGatewayNegotiatesDeflateWithAClientThatOffersItAndFramesStillFlow()
    {
        var channel = TestNames.Channel();
        await using var client = await ConnectOfferingDeflateAsync(fixture.Host);

        Extensions(client).Should().Contain("permessage-deflate");
        await client.SubscribeAsync(channel);
        await client.PublishAsync(channel, new JsonObject { ["text"] = new string('a', 10_000) });
        (await client.MessagesAsync(channel, 1))[0].GetProperty("data").GetProperty("text").GetString().Should().HaveLength(10_000);
    }

    [Fact]
    public async Task CompressionIsOffByDefault()
    {
        await using var client = await ConnectOfferingDeflateAsync(plain.Host);

        Extensions(client).Should().BeEmpty();
        (await client.RequestAsync(new JsonObject { ["type"] = "ping" })).GetProperty("type").GetString().Should().Be("pong");
    }

    private static Task<RealtimeTestClient> ConnectOfferingDeflateAsync(GatewayHost host) =>
        RealtimeTestClient.ConnectAsync(host.WebSocketUri(), configure: options =>
        {
            options.DangerousDeflateOptions = new WebSocketDeflateOptions();
            options.CollectHttpResponseDetails = true;
        });

    private static string Extensions(RealtimeTestClient client) =>
        client.HandshakeHeaders!.TryGetValue("Sec-WebSocket-Extensions", out var values) ? string.Join(",", values) : string.Empty;
}
