namespace OrleansRealtime.Bench.Load.Dialects;

/// <summary>
/// The raw relay (<c>serve-raw</c>): a welcome, no subscribe (every connection but the publisher's receives
/// everything), the publish frame relayed as it was sent, so its <c>id</c> is the sequence; nothing is answered.
/// </summary>
internal sealed class RawDialect : WireDialect
{
    public static readonly RawDialect Instance = new();

    public override string Path => "/ws";

    public override string Name => "raw WebSocket relay";

    public override ReadOnlySpan<byte> SequenceKey => BenchPayload.IdKey;

    public override bool AnswersPublishes => false;

    public override string Query(bool publisher) => publisher ? "role=publisher" : string.Empty;

    public override bool IsWelcome(ReadOnlySpan<byte> message) => message.IndexOf(BenchPayload.WelcomeType) >= 0;

    public override byte[]? Subscribe(string channel, ResumePoint? resume) => null;

    public override SubscribeAnswer ReadSubscribeAnswer(ReadOnlySpan<byte> message, out long offset, out string? epoch)
    {
        offset = 0;
        epoch = null;
        return SubscribeAnswer.None;
    }

    public override int WritePublish(Span<byte> destination, ReadOnlySpan<byte> channel, long sequence, long request, long timestamp) =>
        BenchPayload.WritePublish(destination, channel, sequence, timestamp);

    public override int CountPublishAnswers(ReadOnlySpan<byte> message, out int errors)
    {
        errors = 0;
        return 0;
    }
}
