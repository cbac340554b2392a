using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>
/// Known traffic is counted exactly, under the Prometheus names operators rely on, and the JSON endpoints report the
/// same numbers. The class has its own gateway and one test, so nothing else adds to the counts.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class MetricsExpositionTests(MetricsExpositionTests.Fixture fixture) : IClassFixture<MetricsExpositionTests.Fixture>
{
    /// <summary>A gateway of this class's own.</summary>
    public sealed class Fixture : GatewayFixture;

    private const int Connections = 3;
    private const int Subscribers = 2;
    private const int WebSocketPublishes = 4;
    private const int RestPublishes = 1;
    private const int Published = WebSocketPublishes + RestPublishes;
    private const int BadFrames = 2;
    private const int BadRestRequests = 1;

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task KnownTrafficIsExposedWithExactCountsOnMetricsAndTheJsonEndpoints()
    {
        var channel = TestNames.Channel("metrics");
        var clients = new List<RealtimeTestClient>();
        try
        {
            for (var i = 0; i < Connections; i++)
                clients.Add(await fixture.Host.ConnectAsync());
            var subscribers = clients.Take(Subscribers).ToList();
            var publisher = clients[^1];
            foreach (var subscriber in subscribers)
                await subscriber.SubscribeAsync(channel);

            await publisher.PublishNumbersAsync(channel, WebSocketPublishes);
            using (var body = new StringContent("5", Encoding.UTF8, "application/json"))
                (await Http.PostAsync($"/api/channels/{channel}/messages", body)).EnsureSuccessStatusCode();
            foreach (var subscriber in subscribers)
                await subscriber.MessagesAsync(channel, Published);

            await publisher.SendTextAsync("{not json");
            (await publisher.NextAsync(IsError, "the error answering malformed JSON")).GetProperty("code").GetString().Should().Be("bad_request");
            (await publisher.RequestAsync(new JsonObject { ["type"] = "teleport" })).GetProperty("code").GetString().Should().Be("bad_request");
            using (var body = new StringContent("1", Encoding.UTF8, "application/json"))
                (await Http.PostAsync($"/api/channels/{channel}/messages?priority=urgent", body)).StatusCode.Should().Be(HttpStatusCode.BadRequest);

            // Every count above is recorded before the client can see its effect, except the fan-out latency: it is
            // recorded as each message's fan-out scope closes, which may be just after the subscribers got it.
            var scrape = await Eventually.HoldsAsync(
                () => PrometheusScrape.ReadAsync(Http),
                s => s.Find("realtime_fanout_latency_seconds_count").Sum(sample => sample.Value) >= Published,
                $"{Published} fan-outs on /metrics");

            scrape.Types["realtime_connections"].Should().Be("gauge");
            scrape.Value("realtime_connections", "transport=websocket").Should().Be(Connections);
            scrape.Types["realtime_messages_published_total"].Should().Be("counter");
            scrape.Value("realtime_messages_published_total").Should().Be(Published);
            scrape.Value("realtime_messages_delivered_total", "transport=websocket").Should().Be(Published * Subscribers);
            scrape.Value("realtime_errors_total", "code=bad_request").Should().Be(BadFrames + BadRestRequests);
            scrape.Find("realtime_errors_total").Should().ContainSingle("no other error code occurred");
            scrape.Value("realtime_feeds").Should().Be(1 + Connections, "the channel, and each user's direct-message log");
            scrape.Value("realtime_subscriptions").Should().Be(Subscribers + Connections);
            scrape.Value("realtime_send_queue_frames").Should().Be(0, "every frame has reached its client");
            scrape.Value("realtime_send_queue_bytes").Should().Be(0);

            scrape.Types["realtime_fanout_latency_seconds"].Should().Be("histogram");
            scrape.Value("realtime_fanout_latency_seconds_count").Should().Be(Published, "one fan-out per message on this gateway");
            scrape.Value("realtime_fanout_latency_seconds_bucket", "le=+Inf").Should().Be(Published);
            scrape.Value("realtime_fanout_latency_seconds_bucket", "le=10").Should().Be(Published, "the buckets are in seconds, up to 10 s");
            scrape.Value("realtime_messages_published_total", "otel_scope_name=OrleansRealtime").Should().Be(Published);

            var metrics = (await Http.GetFromJsonAsync<JsonElement>("/api/metrics")).GetProperty("metrics");
            metrics.GetProperty("realtime.messages.published").GetProperty("value").GetInt64().Should().Be(Published);
            metrics.GetProperty("realtime.messages.published").GetProperty("kind").GetString().Should().Be("counter");
            ByTag(metrics, "realtime.messages.delivered", "transport", "websocket").Should().Be(Published * Subscribers);
            ByTag(metrics, "realtime.errors", "code", "bad_request").Should().Be(BadFrames + BadRestRequests);
            ByTag(metrics, "realtime.connections", "transport", "websocket").Should().Be(Connections);
            var latency = metrics.GetProperty("realtime.fanout.latency");
            latency.GetProperty("kind").GetString().Should().Be("histogram");
            latency.GetProperty("unit").GetString().Should().Be("s");
            latency.GetProperty("count").GetInt64().Should().Be(Published);
            latency.GetProperty("max").GetDouble().Should().BeGreaterThanOrEqualTo(latency.GetProperty("min").GetDouble());
            latency.GetProperty("sum").GetDouble().Should().BeApproximately(scrape.Value("realtime_fanout_latency_seconds_sum"), 1e-9);

            var status = await Http.GetFromJsonAsync<JsonElement>("/api/status");
            status.GetProperty("gatewayId").GetString().Should().Be(clients[0].Welcome.GetProperty("gateway").GetString());
            status.GetProperty("version").GetString().Should().NotBeNullOrEmpty();
            status.GetProperty("clustering").GetString().Should().Be("Embedded");
            status.GetProperty("storage").GetString().Should().Be("Memory");
            status.GetProperty("uptimeSeconds").GetDouble().Should().BePositive();
            status.GetProperty("connections").GetProperty("total").GetInt64().Should().Be(Connections);
            status.GetProperty("connections").GetProperty("byTransport").GetProperty("websocket").GetInt64().Should().Be(Connections);
            status.GetProperty("feeds").GetInt64().Should().Be(1 + Connections);
            status.GetProperty("subscriptions").GetInt64().Should().Be(Subscribers + Connections);
            status.GetProperty("sendQueue").GetProperty("frames").GetInt64().Should().Be(0);
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }

        // Closed connections leave the gauges; the channel's feed goes with its last subscriber.
        var after = await Eventually.HoldsAsync(
            () => PrometheusScrape.ReadAsync(Http),
            s => s.Value("realtime_connections", "transport=websocket") == 0 && s.Value("realtime_feeds") == 0,
            "no connection and no feed on /metrics");
        after.Value("realtime_subscriptions").Should().Be(0);
        var closed = await Http.GetFromJsonAsync<JsonElement>("/api/status");
        closed.GetProperty("connections").GetProperty("total").GetInt64().Should().Be(0);
        closed.GetProperty("feeds").GetInt64().Should().Be(0);
    }

    private static bool IsError(JsonElement frame) => frame.GetProperty("type").GetString() == "error";

    private static long ByTag(JsonElement metrics, string instrument, string tag, string value) =>
        metrics.GetProperty(instrument).GetProperty("by").GetProperty(tag).GetProperty(value).GetInt64();
}
