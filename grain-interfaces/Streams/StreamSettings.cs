namespace OrleansRealtime.Streams;

/// <summary>A durable stream's settings, fixed when it is created.</summary>
/// <param name="Type">What the stream carries.</param>
/// <param name="BufferSize">Appends are written to the store in batches of up to this many events.</param>
/// <param name="FlushIntervalMs">
/// How long the first event of a batch waits for more before the batch is written (0: at once, batching only what
/// arrived while the previous write was under way).
/// </param>
/// <param name="Retention">How much of the stream is kept.</param>
[GenerateSerializer, Immutable, Alias("rt.StreamSettings")]
public sealed record StreamSettings(
    [property: Id(0)] StreamType Type,
    [property: Id(1)] int BufferSize,
    [property: Id(2)] int FlushIntervalMs,
    [property: Id(3)] StreamRetention Retention)
{
    public const int MaxBufferSize = 100_000;
    public const int MaxFlushIntervalMs = 60_000;

    /// <summary>Throws <see cref="ArgumentException"/> with a message fit for the client when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Type))
            throw new ArgumentException($"unknown stream type {(int)Type}");
        if (BufferSize is < 1 or > MaxBufferSize)
            throw new ArgumentException($"'bufferSize' must be between 1 and {MaxBufferSize}");
        if (FlushIntervalMs is < 0 or > MaxFlushIntervalMs)
            throw new ArgumentException($"'flushIntervalMs' must be between 0 and {MaxFlushIntervalMs}");
        if (Retention.MaxEvents < 0)
            throw new ArgumentException("'retention.maxEvents' cannot be negative");
        if (Retention.MaxAgeSeconds is < 0 or > 100L * 365 * 24 * 3600)
            throw new ArgumentException("'retention.maxAgeSeconds' must be between 0 and 100 years");
    }
}
