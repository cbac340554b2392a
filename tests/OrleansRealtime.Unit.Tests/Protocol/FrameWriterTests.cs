using System.Text;
using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;
using ErrorCode = OrleansRealtime.Gateway.Protocol.ErrorCode;

namespace OrleansRealtime.Unit.Tests.Protocol;

[Trait("Category", "Unit")]
public sealed class FrameWriterTests
{
    // 2026-11-23T10:00:00.123Z
    private static readonly long TimestampMs = new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void MessageFrameCarriesEveryField()
    {
        var message = Message(data: """{"text":"hi","n":[1,2.5,null]}""", from: "user-1", priority: MessagePriority.Normal);

        var frame = FrameWriter.Message(message);

        using var json = Parse(frame.Utf8);
        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "channel", "offset", "epoch", "data", "from", "ts", "priority");
        root.GetProperty("type").GetString().Should().Be("message");
        root.GetProperty("channel").GetString().Should().Be("news");
        root.GetProperty("offset").GetInt64().Should().Be(42);
        root.GetProperty("epoch").GetString().Should().Be("e1");
        root.GetProperty("data").GetRawText().Should().Be("""{"text":"hi","n":[1,2.5,null]}""");
        root.GetProperty("from").GetString().Should().Be("user-1");
        root.GetProperty("ts").GetString().Should().Be("2026-11-23T10:00:00.123Z");
        root.GetProperty("priority").GetString().Should().Be("normal");
    }

    [Fact]
    public void MessageFrameRemembersItsChannelOffsetAndPriority()
    {
        var frame = FrameWriter.Message(Message(priority: MessagePriority.Low));

        frame.Type.Should().Be(ServerFrameType.Message);
        frame.Channel.Should().Be("news");
        frame.Offset.Should().Be(42);
        frame.Priority.Should().Be(MessagePriority.Low);
    }

    [Theory]
    [InlineData("""{"text":"hi"}""")]
    [InlineData("""[1,"two",{"three":3}]""")]
    [InlineData("\"a string\"")]
    [InlineData("-12.5e3")]
    [InlineData("null")]
    [InlineData("false")]
    [InlineData("""{"a":{"b":{"c":[[],{}]}}}""")]
    public void MessageDataIsTheRawInputJson(string data)
    {
        using var json = Parse(FrameWriter.Message(Message(data: data)).Utf8);

        json.RootElement.GetProperty("data").GetRawText().Should().Be(data);
    }

    [Fact]
    public void MessageWithoutSenderOmitsFrom()
    {
        using var json = Parse(FrameWriter.Message(Message(from: null)).Utf8);

        json.RootElement.TryGetProperty("from", out _).Should().BeFalse();
        PropertyNames(json.RootElement).Should().Equal("type", "channel", "offset", "epoch", "data", "ts", "priority");
    }

    [Theory]
    [InlineData(MessagePriority.Low, "low")]
    [InlineData(MessagePriority.Normal, "normal")]
    [InlineData(MessagePriority.High, "high")]
    public void MessagePriorityIsWrittenAsItsWireName(MessagePriority priority, string expected)
    {
        using var json = Parse(FrameWriter.Message(Message(priority: priority)).Utf8);

        json.RootElement.GetProperty("priority").GetString().Should().Be(expected);
    }

    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00.000Z")]
    [InlineData(1L, "1970-01-01T00:00:00.001Z")]
    [InlineData(1_795_428_000_000L, "2026-11-23T10:00:00.000Z")]
    [InlineData(1_795_471_199_999L, "2026-11-23T21:59:59.999Z")]
    [InlineData(253_402_300_799_999L, "9999-12-31T23:59:59.999Z")]
    public void MessageTimestampIsUtcWithMilliseconds(long timestampMs, string expected)
    {
        using var json = Parse(FrameWriter.Message(Message() with { TimestampMs = timestampMs }).Utf8);

        json.RootElement.GetProperty("ts").GetString().Should().Be(expected);
    }

    [Fact]
    public void NonAsciiTextRoundTrips()
    {
        const string text = "héllo ✓ 日本 🚀";
        var message = Message(data: JsonSerializer.Serialize(new { text }), from: "usér-✓") with { Epoch = "é" };

        var frame = FrameWriter.Message(message);

        using var json = Parse(frame.Utf8);
        json.RootElement.GetProperty("data").GetProperty("text").GetString().Should().Be(text);
        json.RootElement.GetProperty("from").GetString().Should().Be("usér-✓");
        json.RootElement.GetProperty("epoch").GetString().Should().Be("é");
    }

    [Fact]
    public void NonAsciiErrorMessageRoundTrips()
    {
        using var json = Parse(FrameWriter.Error(default, ErrorCode.Forbidden, "pas autorisé ✓ \"quoted\" <tag> & \n").Utf8);

        json.RootElement.GetProperty("message").GetString().Should().Be("pas autorisé ✓ \"quoted\" <tag> & \n");
    }

    [Fact]
    public void WelcomeFrameCarriesTheConnection()
    {
        var frame = FrameWriter.Welcome("c-123", "user-1", "gw-a", 25, "websocket");

        frame.Type.Should().Be(ServerFrameType.Welcome);
        using var json = Parse(frame.Utf8);
        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "connectionId", "userId", "gateway", "heartbeat", "transport");
        root.GetProperty("type").GetString().Should().Be("welcome");
        root.GetProperty("connectionId").GetString().Should().Be("c-123");
        root.GetProperty("userId").GetString().Should().Be("user-1");
        root.GetProperty("gateway").GetString().Should().Be("gw-a");
        root.GetProperty("heartbeat").GetInt32().Should().Be(25);
        root.GetProperty("transport").GetString().Should().Be("websocket");
    }

    [Fact]
    public void PongWithoutIdIsJustItsType()
    {
        var frame = FrameWriter.Pong(default);

        frame.Type.Should().Be(ServerFrameType.Pong);
        using var json = Parse(frame.Utf8);
        PropertyNames(json.RootElement).Should().Equal("type");
        json.RootElement.GetProperty("type").GetString().Should().Be("pong");
    }

    [Theory]
    [InlineData("13")]
    [InlineData("-1.5e3")]
    [InlineData("\"abc\"")]
    [InlineData("\"a\\\"b\\u00e9\"")]
    public void PongEchoesTheIdVerbatim(string rawId)
    {
        var frame = FrameWriter.Pong(Utf8(rawId));

        using var json = Parse(frame.Utf8);
        PropertyNames(json.RootElement).Should().Equal("type", "id");
        json.RootElement.GetProperty("id").GetRawText().Should().Be(rawId);
    }

    [Fact]
    public void PongEchoesAStringIdAsAString()
    {
        using var json = Parse(FrameWriter.Pong(Utf8("\"abc\"")).Utf8);

        json.RootElement.GetProperty("id").ValueKind.Should().Be(JsonValueKind.String);
        json.RootElement.GetProperty("id").GetString().Should().Be("abc");
    }

    [Fact]
    public void PongEchoesANumberIdAsANumber()
    {
        using var json = Parse(FrameWriter.Pong(Utf8("13")).Utf8);

        json.RootElement.GetProperty("id").ValueKind.Should().Be(JsonValueKind.Number);
        json.RootElement.GetProperty("id").GetInt32().Should().Be(13);
    }

    [Theory]
    [InlineData(ErrorCode.BadRequest, "bad_request")]
    [InlineData(ErrorCode.Unauthorized, "unauthorized")]
    [InlineData(ErrorCode.Forbidden, "forbidden")]
    [InlineData(ErrorCode.NotFound, "not_found")]
    [InlineData(ErrorCode.RateLimited, "rate_limited")]
    [InlineData(ErrorCode.TooLarge, "too_large")]
    [InlineData(ErrorCode.LimitExceeded, "limit_exceeded")]
    [InlineData(ErrorCode.Unavailable, "unavailable")]
    [InlineData(ErrorCode.Internal, "internal")]
    public void ErrorFrameCarriesTheWireNameOfItsCode(object code, string expected)
    {
        var frame = FrameWriter.Error(Utf8("3"), (ErrorCode)code, "not allowed to publish to 'admin'");

        frame.Type.Should().Be(ServerFrameType.Error);
        using var json = Parse(frame.Utf8);
        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "id", "code", "message");
        root.GetProperty("type").GetString().Should().Be("error");
        root.GetProperty("id").GetInt32().Should().Be(3);
        root.GetProperty("code").GetString().Should().Be(expected);
        root.GetProperty("message").GetString().Should().Be("not allowed to publish to 'admin'");
    }

    [Fact]
    public void EveryErrorCodeHasADistinctWireName()
    {
        var names = Enum.GetValues<ErrorCode>().Select(c => c.ToWire()).ToList();

        names.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void ErrorFrameWithoutIdOmitsIt()
    {
        using var json = Parse(FrameWriter.Error(default, ErrorCode.BadRequest, "malformed JSON").Utf8);

        PropertyNames(json.RootElement).Should().Equal("type", "code", "message");
    }

    [Fact]
    public void RateLimitedErrorCarriesRetryAfter()
    {
        using var json = Parse(FrameWriter.Error(Utf8("\"p-1\""), ErrorCode.RateLimited, "slow down", retryAfterMs: 250).Utf8);

        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "id", "code", "message", "retryAfterMs");
        root.GetProperty("id").GetString().Should().Be("p-1");
        root.GetProperty("code").GetString().Should().Be("rate_limited");
        root.GetProperty("retryAfterMs").GetInt64().Should().Be(250);
    }

    [Fact]
    public void ErrorAndAcksAreHighPriority()
    {
        var position = new ChannelPosition(1, "e1");

        FrameWriter.Error(default, ErrorCode.Internal, "x").Priority.Should().Be(MessagePriority.High);
        FrameWriter.SubscribeAck(default, "news", position, null).Priority.Should().Be(MessagePriority.High);
        FrameWriter.ChannelAck(default, "news").Priority.Should().Be(MessagePriority.High);
        FrameWriter.HistoryAck(default, "news", Page()).Priority.Should().Be(MessagePriority.High);
        FrameWriter.Close(CloseReason.Normal).Priority.Should().Be(MessagePriority.High);
    }

    [Fact]
    public void SubscribeAckWithRecoveredCarriesIt()
    {
        var frame = FrameWriter.SubscribeAck(Utf8("1"), "news", new ChannelPosition(41, "e1"), recovered: true);

        frame.Type.Should().Be(ServerFrameType.Ack);
        using var json = Parse(frame.Utf8);
        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "id", "channel", "offset", "epoch", "recovered");
        root.GetProperty("type").GetString().Should().Be("ack");
        root.GetProperty("id").GetInt32().Should().Be(1);
        root.GetProperty("channel").GetString().Should().Be("news");
        root.GetProperty("offset").GetInt64().Should().Be(41);
        root.GetProperty("epoch").GetString().Should().Be("e1");
        root.GetProperty("recovered").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void SubscribeAckNotRecoveredSaysFalse()
    {
        using var json = Parse(FrameWriter.SubscribeAck(Utf8("1"), "news", new ChannelPosition(0, "e2"), recovered: false).Utf8);

        json.RootElement.GetProperty("recovered").ValueKind.Should().Be(JsonValueKind.False);
        json.RootElement.GetProperty("offset").GetInt64().Should().Be(0);
    }

    [Fact]
    public void SubscribeAckWithoutSinceOmitsRecovered()
    {
        using var json = Parse(FrameWriter.SubscribeAck(Utf8("\"s\""), "news", new ChannelPosition(7, "e1"), recovered: null).Utf8);

        PropertyNames(json.RootElement).Should().Equal("type", "id", "channel", "offset", "epoch");
        json.RootElement.GetProperty("id").GetString().Should().Be("s");
    }

    [Fact]
    public void PublishAckCarriesThePosition()
    {
        using var json = Parse(FrameWriter.PublishAck(Utf8("3"), "news", new ChannelPosition(42, "e1")).Utf8);

        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "id", "channel", "offset", "epoch");
        root.GetProperty("offset").GetInt64().Should().Be(42);
        root.GetProperty("epoch").GetString().Should().Be("e1");
    }

    [Fact]
    public void ChannelAckCarriesTheChannel()
    {
        var frame = FrameWriter.ChannelAck(Utf8("2"), "news");

        frame.Type.Should().Be(ServerFrameType.Ack);
        using var json = Parse(frame.Utf8);
        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "id", "channel");
        root.GetProperty("type").GetString().Should().Be("ack");
        root.GetProperty("id").GetInt32().Should().Be(2);
        root.GetProperty("channel").GetString().Should().Be("news");
    }

    [Fact]
    public void HistoryAckCarriesMessagesOldestFirst()
    {
        var page = Page(more: true);

        var frame = FrameWriter.HistoryAck(Utf8("10"), "news", page);

        frame.Type.Should().Be(ServerFrameType.Ack);
        using var json = Parse(frame.Utf8);
        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "id", "channel", "epoch", "offset", "messages", "more");
        root.GetProperty("type").GetString().Should().Be("ack");
        root.GetProperty("id").GetInt32().Should().Be(10);
        AssertHistoryBody(root, more: true);
    }

    [Fact]
    public void HistoryDocumentIsTheAckWithoutTypeAndId()
    {
        var document = FrameWriter.HistoryDocument("news", Page(more: false));

        using var json = Parse(document);
        var root = json.RootElement;
        PropertyNames(root).Should().Equal("channel", "epoch", "offset", "messages", "more");
        AssertHistoryBody(root, more: false);
    }

    [Fact]
    public void EmptyHistoryHasAnEmptyMessagesArray()
    {
        var page = new HistoryPage("e1", 0, [], More: false, Continuous: true);

        using var json = Parse(FrameWriter.HistoryDocument("news", page));

        json.RootElement.GetProperty("messages").GetArrayLength().Should().Be(0);
        json.RootElement.GetProperty("offset").GetInt64().Should().Be(0);
        json.RootElement.GetProperty("more").GetBoolean().Should().BeFalse();
    }

    [Theory]
    [InlineData("normal")]
    [InlineData("shutdown")]
    [InlineData("slow_consumer")]
    [InlineData("closed_by_admin")]
    public void CloseFrameCarriesCodeMessageAndReconnect(string code)
    {
        var reason = new[]
        {
            CloseReason.Normal, CloseReason.Shutdown, CloseReason.PolicyViolation, CloseReason.FrameTooLarge,
            CloseReason.Internal, CloseReason.SlowConsumer, CloseReason.IdleTimeout, CloseReason.ClosedByAdmin,
        }.Single(r => r.Code == code);

        var frame = FrameWriter.Close(reason);

        frame.Type.Should().Be(ServerFrameType.Close);
        using var json = Parse(frame.Utf8);
        var root = json.RootElement;
        PropertyNames(root).Should().Equal("type", "code", "message", "reconnect");
        root.GetProperty("type").GetString().Should().Be("close");
        root.GetProperty("code").GetString().Should().Be(reason.Code);
        root.GetProperty("message").GetString().Should().Be(reason.Message);
        root.GetProperty("reconnect").GetBoolean().Should().Be(reason.Reconnect);
    }

    [Fact]
    public void CloseFrameForTokenExpiryCarriesItsCode()
    {
        var reason = new CloseReason(4001, "token_expired", "the token expired", Reconnect: true);

        using var json = Parse(FrameWriter.Close(reason).Utf8);

        json.RootElement.GetProperty("code").GetString().Should().Be("token_expired");
        json.RootElement.GetProperty("reconnect").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void EncodingTheSameMessageTwiceGivesEqualBytes()
    {
        var message = Message(data: """{"text":"héllo ✓"}""", from: "user-1");

        var first = FrameWriter.Message(message).Utf8.ToArray();
        var second = FrameWriter.Message(message).Utf8.ToArray();

        second.Should().Equal(first);
    }

    [Fact]
    public void EncodedFramesDoNotShareTheWriterBuffer()
    {
        var first = FrameWriter.Message(Message(data: "\"first\""));
        var firstBytes = first.Utf8.ToArray();

        FrameWriter.Message(Message(data: "\"second, and longer than the first\""));

        first.Utf8.ToArray().Should().Equal(firstBytes);
    }

    [Fact]
    public void LargeFrameFollowedByASmallOneBothEncodeCorrectly()
    {
        var bigText = new string('x', 200 * 1024);
        var bigData = JsonSerializer.Serialize(new { text = bigText });

        var big = FrameWriter.Message(Message(data: bigData));
        var small = FrameWriter.Message(Message(data: """{"text":"small"}""", from: "user-1"));
        var afterBig = FrameWriter.Pong(Utf8("99"));

        using (var json = Parse(big.Utf8))
        {
            json.RootElement.GetProperty("data").GetProperty("text").GetString().Should().Be(bigText);
            json.RootElement.GetProperty("priority").GetString().Should().Be("normal");
        }

        big.Utf8.Length.Should().BeGreaterThan(64 * 1024);
        using (var json = Parse(small.Utf8))
        {
            json.RootElement.GetProperty("data").GetRawText().Should().Be("""{"text":"small"}""");
            json.RootElement.GetProperty("from").GetString().Should().Be("user-1");
            PropertyNames(json.RootElement).Should().Equal("type", "channel", "offset", "epoch", "data", "from", "ts", "priority");
        }

        small.Utf8.Length.Should().BeLessThan(512);
        Text(afterBig.Utf8).Should().Be("""{"type":"pong","id":99}""");
    }

    [Fact]
    public void SeveralLargeFramesInARowEncodeCorrectly()
    {
        for (var i = 1; i <= 3; i++)
        {
            var text = new string((char)('a' + i), i * 100 * 1024);

            using var json = Parse(FrameWriter.Message(Message(data: JsonSerializer.Serialize(new { text })) with { Offset = i }).Utf8);

            json.RootElement.GetProperty("offset").GetInt64().Should().Be(i);
            json.RootElement.GetProperty("data").GetProperty("text").GetString().Should().Be(text);
        }
    }

    [Fact]
    public void FramesAreCompactJson()
    {
        Text(FrameWriter.ChannelAck(Utf8("2"), "news").Utf8).Should().Be("""{"type":"ack","id":2,"channel":"news"}""");
    }

    private static void AssertHistoryBody(JsonElement root, bool more)
    {
        root.GetProperty("channel").GetString().Should().Be("news");
        root.GetProperty("epoch").GetString().Should().Be("e1");
        root.GetProperty("offset").GetInt64().Should().Be(20);
        root.GetProperty("more").GetBoolean().Should().Be(more);

        var messages = root.GetProperty("messages").EnumerateArray().ToList();
        messages.Should().HaveCount(3);
        messages.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal(11, 12, 13);
        messages.Select(m => m.GetProperty("type").GetString()).Should().AllBe("message");
        messages.Select(m => m.GetProperty("data").GetRawText()).Should().Equal("""{"n":11}""", "[12]", "\"thirteen\"");
        messages[0].GetProperty("from").GetString().Should().Be("user-1");
        messages[1].TryGetProperty("from", out _).Should().BeFalse();
        messages[2].GetProperty("priority").GetString().Should().Be("high");
        messages[0].GetProperty("ts").GetString().Should().Be("2026-11-23T10:00:00.123Z");
    }

    private static HistoryPage Page(bool more = false) => new(
        "e1",
        Top: 20,
        Messages:
        [
            Message(data: """{"n":11}""", from: "user-1") with { Offset = 11 },
            Message(data: "[12]", from: null) with { Offset = 12 },
            Message(data: "\"thirteen\"", priority: MessagePriority.High) with { Offset = 13 },
        ],
        More: more,
        Continuous: true);

    private static ChannelMessage Message(string data = "{}", string? from = "user-1", MessagePriority priority = MessagePriority.Normal)
        => new("news", 42, "e1", Utf8(data), from, TimestampMs, priority);

    private static JsonDocument Parse(ReadOnlyMemory<byte> utf8) => JsonDocument.Parse(utf8);

    private static List<string> PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);
}
