using System.Net;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>The embedded gateway with grain state and channel history in a real Redis.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RedisStorageTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static Dictionary<string, string?> RedisSettings(string connectionString) => new()
    {
        ["Orleans:Storage"] = "Redis",
        ["ConnectionStrings:Redis"] = connectionString,
    };

    [Fact]
    public async Task OffsetsAndHistoryOutliveTheProcessThatWroteThem()
    {
        var channel = TestNames.Channel();
        string epoch;
        await using (var first = await GatewayHost.StartAsync(RedisSettings(redis.ConnectionString)))
        {
            await using var client = await first.ConnectAsync();
            await client.PublishNumbersAsync(channel, 5);
            epoch = (await client.SubscribeAsync(channel)).GetProperty("epoch").GetString()!;
        }

        await using var second = await GatewayHost.StartAsync(RedisSettings(redis.ConnectionString));
        await using var resumed = await second.ConnectAsync();
        var ack = await resumed.SubscribeAsync(channel, sinceOffset: 2, sinceEpoch: epoch);
        ack.GetProperty("recovered").GetBoolean().Should().BeTrue("the history lives in Redis, not in the process");
        ack.GetProperty("epoch").GetString().Should().Be(epoch);
        (await resumed.MessagesAsync(channel, 3)).Select(m => m.GetProperty("data").GetInt32()).Should().Equal(3, 4, 5);

        var next = await resumed.PublishAsync(channel, 6);
        next.GetProperty("offset").GetInt64().Should().Be(6, "offsets continue where the store says");
        next.GetProperty("epoch").GetString().Should().Be(epoch);
    }

    [Fact]
    public async Task ReadinessFollowsRedis()
    {
        var own = await RedisServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(RedisSettings(own.ConnectionString));
        (await gateway.Http.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);

        await own.DisposeAsync();

        var answer = await Eventually.HoldsAsync(
            () => gateway.Http.GetAsync("/health/ready"),
            response => response.StatusCode == HttpStatusCode.ServiceUnavailable,
            "/health/ready turns 503 once Redis is gone");
        (await answer.Content.ReadAsStringAsync()).Should().Be("Unhealthy");
        (await gateway.Http.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK, "the process itself is alive");
    }

    [Fact]
    public async Task PublishingWhileRedisIsDownAnswersAnErrorAndTheConnectionStaysUsable()
    {
        var own = await RedisServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(RedisSettings(own.ConnectionString));
        await using var client = await gateway.ConnectAsync();
        var channel = TestNames.Channel();
        await client.PublishAsync(channel, 1);

        await own.DisposeAsync();
        var answer = await client.RequestAsync(new System.Text.Json.Nodes.JsonObject { ["type"] = "publish", ["channel"] = channel, ["data"] = 2 });

        answer.GetProperty("type").GetString().Should().Be("error", "an append that cannot be made durable is not acknowledged");
        answer.GetProperty("code").GetString().Should().BeOneOf("unavailable", "internal");
        var pong = await client.RequestAsync(new System.Text.Json.Nodes.JsonObject { ["type"] = "ping" });
        pong.GetProperty("type").GetString().Should().Be("pong");
    }
}
