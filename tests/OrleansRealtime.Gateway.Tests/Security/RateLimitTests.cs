using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary>Messages per second per connection and per user (token buckets), and closing connections that keep abusing.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RateLimitTests(RateLimitTests.Fixture fixture) : IClassFixture<RateLimitTests.Fixture>
{
    public const int PerSecond = 20;
    public const int AbuseThreshold = 30;

    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:MessagesPerSecond"] = PerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Realtime:Limits:AbuseThreshold"] = AbuseThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Realtime:Limits:AbuseWindowSeconds"] = "60",
        };
    }

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task ABurstOverTheRateIsAnsweredWithRateLimitedAndTheConnectionStaysOpen()
    {
        var channel = TestNames.Channel();
        await using var client = await Gateway.ConnectAsync();

        var answers = await SendBurstAsync(client, channel, PerSecond + 10);

        var limited = answers.Where(a => a.GetProperty("type").GetString() == "error").ToList();
        limited.Should().NotBeEmpty().And.OnlyContain(a => a.GetProperty("code").GetString() == "rate_limited" && a.GetProperty("retryAfterMs").GetInt64() > 0);
        answers.Count(a => a.GetProperty("type").GetString() == "ack").Should().BeInRange(PerSecond, PerSecond + 2, "one second's worth passes at once (and a little refills meanwhile)");
        (await client.RequestAsync(new JsonObject { ["type"] = "ping" })).GetProperty("type").GetString().Should().Be("pong", "pings are never limited");
        client.State.Should().Be(WebSocketState.Open);
    }

    [Fact]
    public async Task TheRateIsPerUserAcrossTheirConnections()
    {
        var channel = TestNames.Channel();
        await using var first = await Gateway.ConnectAsync("user=busy-user");
        await using var second = await Gateway.ConnectAsync("user=busy-user");
        await using var someoneElse = await Gateway.ConnectAsync("user=calm-user");

        // Each connection stays under its own rate, but together they exceed the user's.
        var answers = (await SendBurstAsync(first, channel, PerSecond * 3 / 4)).Concat(await SendBurstAsync(second, channel, PerSecond * 3 / 4)).ToList();

        answers.Should().Contain(a => a.GetProperty("type").GetString() == "error" && a.GetProperty("code").GetString() == "rate_limited");
        (await someoneElse.PublishAsync(channel, "unaffected")).GetProperty("type").GetString().Should().Be("ack");
    }

    [Fact]
    public async Task SustainedAbuseClosesTheConnectionWithPolicyViolation()
    {
        var channel = TestNames.Channel();
        await using var abuser = await Gateway.ConnectAsync();

        for (var i = 0; i < PerSecond + AbuseThreshold + 10 && abuser.State == WebSocketState.Open; i++)
            await abuser.SendTextAsync($$"""{"type":"publish","channel":"{{channel}}","data":{{i}}}""");

        var (status, description) = await abuser.ClosedAsync();
        status.Should().Be(WebSocketCloseStatus.PolicyViolation);
        description.Should().Be("policy_violation");
    }

    [Fact]
    public async Task RepeatedBadFramesCloseTheConnectionWithPolicyViolation()
    {
        await using var abuser = await Gateway.ConnectAsync();

        for (var i = 0; i < AbuseThreshold + 10 && abuser.State == WebSocketState.Open; i++)
            await abuser.SendTextAsync("{not json");

        (await abuser.ClosedAsync()).Status.Should().Be(WebSocketCloseStatus.PolicyViolation);
    }

    /// <summary>Sends <paramref name="count"/> publishes as one batch (so no refill happens between them) and collects the answers.</summary>
    private static async Task<List<JsonElement>> SendBurstAsync(RealtimeTestClient client, string channel, int count)
    {
        var frames = new JsonArray();
        for (var i = 0; i < count; i++)
            frames.Add(new JsonObject { ["id"] = $"b{i}", ["type"] = "publish", ["channel"] = channel, ["data"] = i });
        await client.SendTextAsync(frames.ToJsonString());

        var answers = new List<JsonElement>();
        for (var i = 0; i < count; i++)
        {
            var id = $"b{i}";
            answers.Add(await client.NextAsync(f => f.TryGetProperty("id", out var answerId) && answerId.ValueKind == JsonValueKind.String && answerId.GetString() == id, $"the answer to {id}"));
        }

        return answers;
    }
}
