using System.Text;

namespace OrleansRealtime.Bench.Load.Dialects;

/// <summary>
/// The gateway's own protocol on <c>/ws</c> (docs/protocol.md): welcome, <c>subscribe</c> answered by an ack with the
/// channel's offset and epoch (and with <c>since</c>, recovery of what was missed), <c>publish</c> answered by an ack,
/// message frames carrying their channel offset, pings to answer with pongs.
/// </summary>
internal sealed class GatewayDialect(bool batch) : WireDialect
{
    /// <summary>One frame per WebSocket message.</summary>
    public static readonly GatewayDialect Frames = new(batch: false);

    /// <summary><c>?batch=true</c>: JSON arrays of the frames that were ready together.</summary>
    public static readonly GatewayDialect Batched = new(batch: true);

    private static ReadOnlySpan<byte> EpochKey => "\"epoch\":\""u8;

    public override string Path => "/ws";

    public override string Name => batch ? "orleans-realtime (batch)" : "orleans-realtime";

    public override ReadOnlySpan<byte> SequenceKey => BenchPayload.OffsetKey;

    public override bool AnswersPublishes => true;

    public override bool HasOffsets => true;

    public override string Query(bool publisher) => batch && !publisher ? "batch=true" : string.Empty;

    public override bool IsWelcome(ReadOnlySpan<byte> message) => message.IndexOf(BenchPayload.WelcomeType) >= 0;

    public override byte[] Subscribe(string channel, ResumePoint? resume) => Encoding.UTF8.GetBytes(
        resume is { Epoch: { } epoch }
            ? $"{{\"id\":1,\"type\":\"subscribe\",\"channel\":\"{channel}\",\"since\":{{\"offset\":{resume.Last},\"epoch\":\"{epoch}\"}}}}"
            : $"{{\"id\":1,\"type\":\"subscribe\",\"channel\":\"{channel}\"}}");

    public override SubscribeAnswer ReadSubscribeAnswer(ReadOnlySpan<byte> message, out long offset, out string? epoch)
    {
        offset = 0;
        epoch = null;
        if (message.IndexOf(BenchPayload.ErrorType) >= 0)
            return SubscribeAnswer.Refused;
        if (message.IndexOf(BenchPayload.AckType) < 0)
            return SubscribeAnswer.None;

        var position = 0;
        if (!BenchPayload.TryReadNumberAfter(message, BenchPayload.OffsetKey, ref position, out offset))
            offset = 0;
        var at = message.IndexOf(EpochKey);
        if (at >= 0)
        {
            var value = message[(at + EpochKey.Length)..];
            var end = value.IndexOf((byte)'"');
            epoch = end >= 0 ? Encoding.UTF8.GetString(value[..end]) : null;
        }

        return SubscribeAnswer.Accepted;
    }

    public override bool? ReadRecovered(ReadOnlySpan<byte> answer) =>
        answer.IndexOf("\"recovered\":false"u8) >= 0 ? false : answer.IndexOf("\"recovered\":true"u8) >= 0 ? true : null;

    public override bool IsIncident(ReadOnlySpan<byte> message) =>
        message.IndexOf(BenchPayload.ErrorType) >= 0 || message.IndexOf("\"type\":\"close\""u8) >= 0;

    public override int WritePublish(Span<byte> destination, ReadOnlySpan<byte> channel, long sequence, long request, long timestamp) =>
        BenchPayload.WritePublish(destination, channel, request, timestamp);

    public override int CountPublishAnswers(ReadOnlySpan<byte> message, out int errors)
    {
        errors = message.IndexOf(BenchPayload.ErrorType) >= 0 ? 1 : 0;
        return errors > 0 || message.IndexOf(BenchPayload.AckType) >= 0 ? 1 : 0;
    }

    // The gateway closes connections that stay silent past heartbeat + pong timeout.
    public override byte[]? Reply(ReadOnlySpan<byte> message) => message.IndexOf(BenchPayload.PingFrame) >= 0 ? BenchPayload.PongFrame : null;
}
