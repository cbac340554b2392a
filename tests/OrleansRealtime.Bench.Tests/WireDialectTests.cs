using System.Text;
using System.Text.Json;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Load.Dialects;

namespace OrleansRealtime.Bench.Tests;

/// <summary>
/// The Socket.IO and gateway dialects against their documented wire formats (the Socket.IO v5 / Engine.IO v4 protocol
/// pages; docs/protocol.md); the real servers are exercised by every `bench/run`.
/// </summary>
[Trait("Category", "Unit")]
public sealed class WireDialectTests
{
    [Fact]
    public void ASocketIoPublishIsAnEventWithAnAckIdAndA100BytePayload()
    {
        var frame = new byte[BenchPayload.MaxFrameBytes];
        var length = SocketIoDialect.Instance.WritePublish(frame, "room"u8, sequence: 8, request: 12, timestamp: 99);
        var text = Encoding.UTF8.GetString(frame, 0, length);

        text.Should().StartWith("4212[");
        using var json = JsonDocument.Parse(text["4212".Length..]);
        var array = json.RootElement.EnumerateArray().ToList();
        array[0].GetString().Should().Be("publish");
        array[1].GetString().Should().Be("room");
        array[2].GetProperty("id").GetInt64().Should().Be(8);
        array[2].GetProperty("t").GetInt64().Should().Be(99);
        Encoding.UTF8.GetByteCount(array[2].GetRawText()).Should().Be(BenchPayload.DataBytes);
    }

    [Fact]
    public void SocketIoAcksAnswerAndPingsArePonged()
    {
        var dialect = SocketIoDialect.Instance;

        dialect.IsWelcome("40{\"sid\":\"abc\"}"u8).Should().BeTrue();
        dialect.IsWelcome("0{\"sid\":\"abc\",\"pingInterval\":25000}"u8).Should().BeFalse();
        dialect.ReadSubscribeAnswer("431[{\"channel\":\"c1\"}]"u8, out _, out _).Should().Be(SubscribeAnswer.Accepted);
        dialect.ReadSubscribeAnswer("2"u8, out _, out _).Should().Be(SubscribeAnswer.None);
        dialect.CountPublishAnswers("4312[{}]"u8, out var errors).Should().Be(1);
        errors.Should().Be(0);
        dialect.Reply("2"u8).Should().Equal("3"u8.ToArray());
        dialect.Reply("42[\"m\",{}]"u8).Should().BeNull();
    }

    [Fact]
    public void ASocketIoDeliveryIsReadBySequenceAndTimestamp()
    {
        var position = 0;
        BenchPayload.TryReadNext("42[\"m\",{\"id\":17,\"t\":555,\"p\":\"xx\"}]"u8, SocketIoDialect.Instance.SequenceKey, ref position, out var sequence, out var timestamp)
            .Should().BeTrue();
        (sequence, timestamp).Should().Be((17L, 555L));
    }

    [Fact]
    public void AGatewayResubscribeAsksForRecoveryFromTheLastOffsetAndEpoch()
    {
        var frame = Encoding.UTF8.GetString(GatewayDialect.Frames.Subscribe("c1", new ResumePoint(41, "e1")));

        using var json = JsonDocument.Parse(frame);
        json.RootElement.GetProperty("type").GetString().Should().Be("subscribe");
        json.RootElement.GetProperty("channel").GetString().Should().Be("c1");
        json.RootElement.GetProperty("since").GetProperty("offset").GetInt64().Should().Be(41);
        json.RootElement.GetProperty("since").GetProperty("epoch").GetString().Should().Be("e1");
    }

    [Fact]
    public void AGatewaySubscribeAckGivesTheOffsetAndEpoch()
    {
        var answer = GatewayDialect.Frames.ReadSubscribeAnswer(
            "{\"type\":\"ack\",\"id\":1,\"channel\":\"c1\",\"offset\":41,\"epoch\":\"e9\",\"recovered\":true}"u8, out var offset, out var epoch);

        answer.Should().Be(SubscribeAnswer.Accepted);
        offset.Should().Be(41);
        epoch.Should().Be("e9");
        GatewayDialect.Frames.ReadSubscribeAnswer("{\"type\":\"error\",\"id\":1,\"code\":\"forbidden\"}"u8, out _, out _).Should().Be(SubscribeAnswer.Refused);
    }

    [Fact]
    public void TheRawRelayHasNoSubscribeAndAnswersNothing()
    {
        RawDialect.Instance.Subscribe("bench", resume: null).Should().BeNull();
        RawDialect.Instance.Query(publisher: true).Should().Be("role=publisher");
        RawDialect.Instance.CountPublishAnswers("{\"type\":\"ack\"}"u8, out _).Should().Be(0);
    }
}
