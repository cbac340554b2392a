using System.Text;
using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Unit.Tests.Protocol;

/// <summary>The frames of live durable-stream subscriptions: what the parser reads and what the writer produces.</summary>
[Trait("Category", "Unit")]
public sealed class StreamFrameTests
{
    private static readonly long TimestampMs = new DateTimeOffset(2026, 11, 23, 10, 0, 0, 123, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void AStreamSubscribeCarriesTheStreamAndSince()
    {
        var frame = ParseOne("""{"id":11,"type":"subscribe","stream":"analytics","since":{"offset":1000,"epoch":"s1"}}""");

        frame.Type.Should().Be(ClientFrameType.Subscribe);
        frame.Stream.Should().Be("analytics");
        frame.Channel.Should().BeNull();
        frame.HasSince.Should().BeTrue();
        frame.SinceOffset.Should().Be(1000);
        frame.SinceEpoch.Should().Be("s1");
        frame.Error.Should().BeNull();
    }

    [Fact]
    public void AStreamUnsubscribeCarriesTheStream()
    {
        var frame = ParseOne("""{"type":"unsubscribe","stream":"analytics"}""");

        frame.Type.Should().Be(ClientFrameType.Unsubscribe);
        frame.Stream.Should().Be("analytics");
    }

    [Theory]
    [InlineData("""{"id":1,"type":"subscribe","stream":5}""")]
    [InlineData("""{"id":1,"type":"subscribe","stream":{"name":"analytics"}}""")]
    [InlineData("""{"id":1,"type":"subscribe","stream":null}""")]
    public void AStreamThatIsNotAStringIsAnErrorThatKeepsTheId(string json)
    {
        var frame = ParseOne(json);

        frame.Error.Should().Be("'stream' must be a string");
        Encoding.UTF8.GetString(frame.Id.Span).Should().Be("1");
    }

    [Fact]
    public void AnEventFrameCarriesEveryFieldInWireOrder()
    {
        var record = new ChannelMessage("analytics", 1001, "s1", Encoding.UTF8.GetBytes("""{"button":"buy"}"""), From: null, TimestampMs, MessagePriority.Normal, "user_action");

        var frame = FrameWriter.StreamEvent("analytics", record);

        frame.Type.Should().Be(ServerFrameType.Event);
        (frame.Channel, frame.Offset, frame.Epoch).Should().Be(("analytics", 1001L, "s1"), "resume tokens advance by these");
        Encoding.UTF8.GetString(frame.Utf8.Span).Should().Be(
            """{"type":"event","stream":"analytics","offset":1001,"epoch":"s1","event":"user_action","data":{"button":"buy"},"ts":"2026-11-23T10:00:00.123Z"}""");
        ServerFrameType.Event.ToWire().Should().Be("event");
    }

    [Fact]
    public void AStreamAckNamesTheStreamItsPositionAndRecovery()
    {
        using var recovered = JsonDocument.Parse(FrameWriter.StreamAck("11"u8.ToArray(), "analytics", new ChannelPosition(1000, "s1"), recovered: false).Utf8);
        using var plain = JsonDocument.Parse(FrameWriter.StreamAck(default, "analytics", new ChannelPosition(0, "s1"), recovered: null).Utf8);
        using var unsubscribed = JsonDocument.Parse(FrameWriter.StreamUnsubscribeAck("12"u8.ToArray(), "analytics").Utf8);

        recovered.RootElement.GetRawText().Should().Be("""{"type":"ack","id":11,"stream":"analytics","offset":1000,"epoch":"s1","recovered":false}""");
        plain.RootElement.GetRawText().Should().Be("""{"type":"ack","stream":"analytics","offset":0,"epoch":"s1"}""");
        unsubscribed.RootElement.GetRawText().Should().Be("""{"type":"ack","id":12,"stream":"analytics"}""");
    }

    private static ClientFrame ParseOne(string json)
    {
        var frames = new List<ClientFrame>();
        ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), frames, out var error).Should().BeTrue(error);
        return frames.Should().ContainSingle().Subject;
    }
}
