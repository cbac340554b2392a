using System.Text;

namespace OrleansRealtime.Bench.Load.Dialects;

/// <summary>
/// Socket.IO v5 over Engine.IO v4 on a WebSocket (<c>/socket.io/?EIO=4&amp;transport=websocket</c>), as the official
/// client speaks it to the peer (bench/peers/socketio), one Engine.IO packet per WebSocket message: the server opens
/// with <c>0{…}</c>; the client connects to the main namespace with <c>40</c>, answered by <c>40{"sid":…}</c>; events
/// are <c>42[…]</c>, with an acknowledgement id <c>42N[…]</c> answered by <c>43N[…]</c>; the server pings with
/// <c>2</c> and the client answers <c>3</c>. <c>subscribe</c> and <c>publish</c> are emitted with acks; deliveries are
/// <c>42["m",payload]</c>.
/// </summary>
internal sealed class SocketIoDialect : WireDialect
{
    public static readonly SocketIoDialect Instance = new();

    private static readonly byte[] Connect = "40"u8.ToArray();
    private static readonly byte[] Pong = "3"u8.ToArray();

    public override string Path => "/socket.io/";

    public override string Name => "Socket.IO v5 / Engine.IO v4";

    public override ReadOnlySpan<byte> SequenceKey => BenchPayload.IdKey;

    public override bool AnswersPublishes => true;

    public override string Query(bool publisher) => "EIO=4&transport=websocket";

    public override byte[] Opening => Connect;

    public override bool IsWelcome(ReadOnlySpan<byte> message) => message.StartsWith("40"u8);

    public override byte[] Subscribe(string channel, ResumePoint? resume) => Encoding.UTF8.GetBytes($"421[\"subscribe\",\"{channel}\"]");

    public override SubscribeAnswer ReadSubscribeAnswer(ReadOnlySpan<byte> message, out long offset, out string? epoch)
    {
        offset = 0;
        epoch = null;
        if (message.StartsWith("431["u8))
            return SubscribeAnswer.Accepted;
        return message.StartsWith("44"u8) ? SubscribeAnswer.Refused : SubscribeAnswer.None;
    }

    public override int WritePublish(Span<byte> destination, ReadOnlySpan<byte> channel, long sequence, long request, long timestamp)
    {
        var written = 0;
        BenchPayload.Append(destination, ref written, "42"u8);
        BenchPayload.Number(destination, ref written, request);
        BenchPayload.Append(destination, ref written, "[\"publish\",\""u8);
        BenchPayload.Append(destination, ref written, channel);
        BenchPayload.Append(destination, ref written, "\","u8);
        BenchPayload.WriteData(destination, ref written, sequence, timestamp);
        BenchPayload.Append(destination, ref written, "]"u8);
        return written;
    }

    public override int CountPublishAnswers(ReadOnlySpan<byte> message, out int errors)
    {
        errors = message.StartsWith("44"u8) ? 1 : 0;
        return message.StartsWith("43"u8) ? 1 : errors;
    }

    public override byte[]? Reply(ReadOnlySpan<byte> message) => message.SequenceEqual("2"u8) ? Pong : null;
}
