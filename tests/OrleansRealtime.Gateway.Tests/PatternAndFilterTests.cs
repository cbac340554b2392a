using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>Pattern subscriptions (once per subscription, labelled with the pattern) and filters on channels and patterns.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PatternAndFilterTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task APatternReceivesEveryMatchingChannelInOrderAndNothingElse()
    {
        var root = TestNames.Channel("metrics");
        await using var publisher = await Gateway.ConnectAsync();
        await using var one = await Gateway.ConnectAsync();
        await using var many = await Gateway.ConnectAsync();
        (await one.SubscribePatternAsync($"{root}.*")).GetProperty("pattern").GetString().Should().Be($"{root}.*");
        await many.SubscribePatternAsync($"{root}.>");

        await publisher.PublishAsync($"{root}.cpu.core0", "deep");
        await publisher.PublishAsync($"{root}.cpu", 1);
        await publisher.PublishAsync($"{root}.cpu", 2);
        await publisher.PublishAsync($"{root}x.cpu", "other root");
        await publisher.PublishAsync($"{root}.zz", "last");

        var shallow = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = await one.NextOfTypeAsync("message");
            message.GetProperty("pattern").GetString().Should().Be($"{root}.*");
            shallow.Add($"{message.GetProperty("channel").GetString()![(root.Length + 1)..]} {message.GetProperty("data")}");
        }

        shallow.Should().Equal(["cpu 1", "cpu 2", "zz last"], "'*' matches exactly one segment, in publication order");
        var deep = new List<string>();
        for (var i = 0; i < 4; i++)
            deep.Add($"{(await many.NextOfTypeAsync("message")).GetProperty("channel").GetString()![(root.Length + 1)..]}");
        deep.Should().Equal("cpu.core0", "cpu", "cpu", "zz");
    }

    [Fact]
    public async Task AConnectionWithAnExactAndAPatternSubscriptionGetsAMessageOncePerSubscription()
    {
        var root = TestNames.Channel("metrics");
        await using var client = await Gateway.ConnectAsync();
        await client.SubscribeAsync($"{root}.cpu");
        await client.SubscribePatternAsync($"{root}.*");

        await client.PublishAsync($"{root}.cpu", 42);

        var both = await client.MessagesAsync($"{root}.cpu", 2);
        both.Select(m => m.TryGetProperty("pattern", out var p) ? p.GetString() : "exact").Should().BeEquivalentTo("exact", $"{root}.*");
    }

    [Fact]
    public async Task AFilteredSubscriptionSeesOnlyMatchingMessagesWithTheirOwnOffsets()
    {
        var channel = TestNames.Channel("events");
        await using var publisher = await Gateway.ConnectAsync();
        await using var subscriber = await Gateway.ConnectAsync();
        var ack = OrleansRealtime.Testing.RealtimeClient.ExpectAck(await subscriber.RequestAsync(new JsonObject
        {
            ["type"] = "subscribe", ["channel"] = channel, ["filter"] = new JsonObject { ["type"] = "user_action", ["level"] = 2 },
        }));
        ack.GetProperty("offset").GetInt64().Should().Be(0);

        await publisher.PublishAsync(channel, new JsonObject { ["type"] = "user_action", ["level"] = 2, ["n"] = 1 });
        await publisher.PublishAsync(channel, new JsonObject { ["type"] = "page_view", ["level"] = 2, ["n"] = 2 });
        await publisher.PublishAsync(channel, new JsonObject { ["type"] = "user_action", ["level"] = 3, ["n"] = 3 });
        await publisher.PublishAsync(channel, "not an object");
        await publisher.PublishAsync(channel, new JsonObject { ["level"] = 2.0, ["type"] = "user_action", ["n"] = 5 });

        var messages = await subscriber.MessagesAsync(channel, 2);
        messages.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal([1, 5], "offsets never change: filtered ones are gaps");
    }

    [Fact]
    public async Task APatternSubscriptionCanBeFiltered()
    {
        var root = TestNames.Channel("metrics");
        await using var client = await Gateway.ConnectAsync();
        await client.SubscribePatternAsync($"{root}.*", new JsonObject { ["host"] = "a" });

        await client.PublishAsync($"{root}.cpu", new JsonObject { ["host"] = "b" });
        await client.PublishAsync($"{root}.mem", new JsonObject { ["host"] = "a" });

        (await client.NextOfTypeAsync("message")).GetProperty("channel").GetString().Should().Be($"{root}.mem");
    }

    [Theory]
    [InlineData("""{"type":"subscribe","pattern":"metrics"}""", "invalid pattern")]
    [InlineData("""{"type":"subscribe","pattern":"metrics.>.cpu"}""", "invalid pattern")]
    [InlineData("""{"type":"subscribe","pattern":"metrics.*","since":{"offset":1}}""", "since")]
    [InlineData("""{"type":"subscribe","channel":"news","filter":{"tags":["a"]}}""", "filter field 'tags'")]
    [InlineData("""{"type":"subscribe","channel":"news","filter":"type=a"}""", "filter")]
    public async Task ABadPatternOrFilterIsBadRequest(string frame, string mentions)
    {
        await using var client = await Gateway.ConnectAsync();

        var answer = await client.RequestAsync(JsonNode.Parse(frame)!.AsObject());

        answer.GetProperty("code").GetString().Should().Be("bad_request");
        answer.GetProperty("message").GetString().Should().Contain(mentions);
    }
}
