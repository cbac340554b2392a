using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>Bad input gets a clear error frame, the connection keeps working, and other clients lose nothing.</summary>
[Trait("Category", "EndToEnd")]
public sealed class WebSocketBadInputTests(WebSocketBadInputTests.Fixture fixture) : IClassFixture<WebSocketBadInputTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        public const int MaxFrameBytes = 4096;

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:MaxFrameBytes"] = MaxFrameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Realtime:Limits:MaxSubscriptionsPerConnection"] = "3",

            // These tests send bursts of bad frames on purpose; closing abusers has tests of its own.
            ["Realtime:Limits:AbuseThreshold"] = "100000",
        };
    }

    private GatewayHost Gateway => fixture.Host;

    public static TheoryData<string, string> FramesWithAnId => new()
    {
        { """{"id":7,"type":"teleport"}""", "unknown frame type 'teleport'" },
        { """{"id":7}""", "missing field 'type'" },
        { """{"id":7,"type":5}""", "'type' must be a string" },
        { """{"id":7,"type":"subscribe"}""", "missing field 'channel'" },
        { """{"id":7,"type":"subscribe","channel":42}""", "'channel' must be a string" },
        { """{"type":"subscribe","channel":42,"id":7}""", "'channel' must be a string" },
        { """{"id":7,"type":"subscribe","channel":""}""", "invalid channel name" },
        { """{"id":7,"type":"subscribe","channel":"a..b"}""", "invalid channel name" },
        { """{"id":7,"type":"subscribe","channel":"metrics.*"}""", "pattern" },
        { """{"id":7,"type":"subscribe","channel":"news","since":"yesterday"}""", "'since' must be an object" },
        { """{"id":7,"type":"subscribe","channel":"news","since":{"epoch":"e"}}""", "'since' needs an 'offset'" },
        { """{"id":7,"type":"subscribe","channel":"news","since":{"offset":-1}}""", "'since.offset'" },
        { """{"id":7,"type":"subscribe","channel":"news","filter":[1]}""", "'filter' must be an object" },
        { """{"id":7,"type":"publish","channel":"news"}""", "missing field 'data'" },
        { """{"id":7,"type":"publish","channel":"news","data":1,"priority":"urgent"}""", "unknown priority 'urgent'" },
        { """{"id":7,"type":"publish","channel":"news","data":1,"priority":3}""", "'priority' must be a string" },
        { """{"id":7,"type":"history","channel":"news","limit":-5}""", "'limit'" },
        { """{"id":7,"type":"history","channel":"news","limit":"ten"}""", "'limit'" },
        { """{"id":"seven","type":"unsubscribe"}""", "missing field 'channel'" },
    };

    [Theory]
    [MemberData(nameof(FramesWithAnId))]
    public async Task AFrameWithAReadableIdIsAnsweredWithBadRequestCarryingThatId(string frame, string messagePart)
    {
        await using var client = await Gateway.ConnectAsync();
        await client.SendTextAsync(frame);

        var error = await client.NextAsync();
        error.GetProperty("type").GetString().Should().Be("error");
        error.GetProperty("code").GetString().Should().Be("bad_request");
        error.GetProperty("message").GetString().Should().Contain(messagePart);
        var id = error.GetProperty("id");
        (id.ValueKind == JsonValueKind.Number ? id.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : id.GetString())
            .Should().BeOneOf("7", "seven");

        await StillWorksAsync(client);
    }

    public static TheoryData<string> UnreadableFrames => new()
    {
        "{not json",
        "",
        "42",
        "\"a string\"",
        """{"type":"ping"} trailing""",
        "[]",
        // Far deeper than the parser allows, yet under this fixture's frame size limit.
        new string('[', 2_000) + new string(']', 2_000),
        """{"id":1,"type":"publish","channel":"news","data":""" + new string('[', 100) + new string(']', 100) + "}",
    };

    [Theory]
    [MemberData(nameof(UnreadableFrames))]
    public async Task AnUnreadableFrameIsAnsweredWithBadRequestWithoutAnId(string frame)
    {
        await using var client = await Gateway.ConnectAsync();
        await client.SendTextAsync(frame);

        var error = await client.NextAsync();
        error.GetProperty("type").GetString().Should().Be("error");
        error.GetProperty("code").GetString().Should().Be("bad_request");
        error.TryGetProperty("id", out _).Should().BeFalse("an id cannot be read from a frame that cannot be parsed");

        await StillWorksAsync(client);
    }

    [Fact]
    public async Task ABinaryFrameIsAnsweredWithBadRequest()
    {
        await using var client = await Gateway.ConnectAsync();
        await client.SendBytesAsync([1, 2, 3, 0xFF], WebSocketMessageType.Binary);

        var error = await client.NextAsync();
        error.GetProperty("code").GetString().Should().Be("bad_request");
        error.GetProperty("message").GetString().Should().Contain("binary");
        await StillWorksAsync(client);
    }

    [Fact]
    public async Task ABatchAnswersEachFrameInOrderIncludingTheBadOnes()
    {
        await using var client = await Gateway.ConnectAsync();
        await client.SendTextAsync("""[{"id":1,"type":"ping"},{"id":2,"type":"nope"},3,{"id":4,"type":"ping"}]""");

        var answers = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
            answers.Add(await client.NextAsync());

        answers.Select(a => a.GetProperty("type").GetString()).Should().Equal("pong", "error", "error", "pong");
        answers[1].GetProperty("id").GetInt32().Should().Be(2);
        answers[2].TryGetProperty("id", out _).Should().BeFalse();
    }

    [Fact]
    public async Task AFrameOverTheSizeLimitClosesTheConnectionWith1009AndAReason()
    {
        var channel = TestNames.Channel();
        await using var bystander = await Gateway.ConnectAsync();
        await bystander.SubscribeAsync(channel);
        await using var client = await Gateway.ConnectAsync();

        var data = new string('x', Fixture.MaxFrameBytes);
        await client.SendTextAsync($$"""{"id":1,"type":"publish","channel":"{{channel}}","data":"{{data}}"}""");

        var (status, description) = await client.ClosedAsync();
        status.Should().Be(WebSocketCloseStatus.MessageTooBig);
        description.Should().Be("too_large");

        // Nothing of it reached anyone, and the others keep working.
        await using var publisher = await Gateway.ConnectAsync();
        await publisher.PublishAsync(channel, "fine");
        var message = (await bystander.MessagesAsync(channel, 1))[0];
        message.GetProperty("offset").GetInt64().Should().Be(1);
    }

    [Fact]
    public async Task AFrameJustUnderTheLimitIsAccepted()
    {
        var channel = TestNames.Channel();
        await using var client = await Gateway.ConnectAsync();
        var envelope = $$"""{"id":1,"type":"publish","channel":"{{channel}}","data":""}""";
        var data = new string('y', Fixture.MaxFrameBytes - Encoding.UTF8.GetByteCount(envelope));
        await client.SendTextAsync(envelope.Replace("\"data\":\"\"", $"\"data\":\"{data}\"", StringComparison.Ordinal));

        var ack = RealtimeTestClient.ExpectAck(await client.NextAsync());
        ack.GetProperty("offset").GetInt64().Should().Be(1);
    }

    [Fact]
    public async Task SubscriptionsPastTheLimitAreRefusedWithLimitExceeded()
    {
        await using var client = await Gateway.ConnectAsync();
        for (var i = 0; i < 3; i++)
            await client.SubscribeAsync(TestNames.Channel());

        var refused = await client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["channel"] = TestNames.Channel() });
        refused.GetProperty("type").GetString().Should().Be("error");
        refused.GetProperty("code").GetString().Should().Be("limit_exceeded");
        await StillWorksAsync(client);
    }

    [Fact]
    public async Task ManyBadFramesFromOneClientDoNotDisturbAnotherClientsStream()
    {
        var channel = TestNames.Channel();
        await using var subscriber = await Gateway.ConnectAsync();
        await subscriber.SubscribeAsync(channel);
        await using var abuser = await Gateway.ConnectAsync();
        await using var publisher = await Gateway.ConnectAsync();

        var abuse = Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
                await abuser.SendTextAsync(i % 2 == 0 ? "{garbage" : """{"id":"bad","type":"publish","channel":"","data":1}""");
        });
        for (var n = 1; n <= 100; n++)
            await publisher.PublishAsync(channel, n);
        await abuse;

        var messages = await subscriber.MessagesAsync(channel, 100);
        messages.Select(m => m.GetProperty("data").GetInt32()).Should().Equal(Enumerable.Range(1, 100));
        await StillWorksAsync(abuser);
    }

    private static async Task StillWorksAsync(RealtimeTestClient client)
    {
        var pong = await client.RequestAsync(new JsonObject { ["type"] = "ping" });
        pong.GetProperty("type").GetString().Should().Be("pong", "the connection stays open and keeps working");
    }
}
