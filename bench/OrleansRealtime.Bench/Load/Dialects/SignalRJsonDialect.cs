using System.Text;

namespace OrleansRealtime.Bench.Load.Dialects;

/// <summary>
/// The ASP.NET Core SignalR JSON hub protocol over a WebSocket with negotiation skipped, as the official clients speak
/// it to the peer's hub (bench/peers/signalr): the handshake <c>{"protocol":"json","version":1}</c>, answered by
/// <c>{}</c>; invocations of <c>Subscribe(channel)</c> and <c>Publish(channel, payload)</c>, each answered by a
/// completion (type 3, with <c>error</c> when it failed); the hub's <c>m</c> invocations (type 1) carrying the payload;
/// every message ends with the record separator 0x1E, and one WebSocket message may hold several. The server closes a
/// client it has not heard from for 30 s, so clients send a ping (type 6) now and then, as the official client does.
/// </summary>
internal sealed class SignalRJsonDialect : WireDialect
{
    public static readonly SignalRJsonDialect Instance = new();

    private static readonly byte[] Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();

    private static ReadOnlySpan<byte> Completion => "\"type\":3"u8;

    private static ReadOnlySpan<byte> Error => "\"error\":"u8;

    public override string Path => "/hub";

    public override string Name => "SignalR JSON hub protocol";

    public override ReadOnlySpan<byte> SequenceKey => BenchPayload.IdKey;

    public override bool AnswersPublishes => true;

    public override byte[] Opening => Handshake;

    public override byte[] KeepAlive => Ping;

    public override bool IsWelcome(ReadOnlySpan<byte> message) => message.StartsWith("{}\u001e"u8);

    public override byte[] Subscribe(string channel, ResumePoint? resume) =>
        Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"0\",\"target\":\"Subscribe\",\"arguments\":[\"{channel}\"]}}\u001e");

    public override SubscribeAnswer ReadSubscribeAnswer(ReadOnlySpan<byte> message, out long offset, out string? epoch)
    {
        offset = 0;
        epoch = null;
        if (message.IndexOf(Completion) < 0)
            return SubscribeAnswer.None;
        return message.IndexOf(Error) >= 0 ? SubscribeAnswer.Refused : SubscribeAnswer.Accepted;
    }

    public override int WritePublish(Span<byte> destination, ReadOnlySpan<byte> channel, long sequence, long request, long timestamp)
    {
        var written = 0;
        BenchPayload.Append(destination, ref written, "{\"type\":1,\"invocationId\":\""u8);
        BenchPayload.Number(destination, ref written, request);
        BenchPayload.Append(destination, ref written, "\",\"target\":\"Publish\",\"arguments\":[\""u8);
        BenchPayload.Append(destination, ref written, channel);
        BenchPayload.Append(destination, ref written, "\","u8);
        BenchPayload.WriteData(destination, ref written, sequence, timestamp);
        BenchPayload.Append(destination, ref written, "]}\u001e"u8);
        return written;
    }

    public override int CountPublishAnswers(ReadOnlySpan<byte> message, out int errors)
    {
        errors = Occurrences(message, Error);
        return Occurrences(message, Completion);
    }
}
