using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Streams;

/// <summary>Durable streams and consumer groups, bound from <c>Realtime:Streams</c> (silos and gateways alike).</summary>
public sealed class StreamOptions
{
    public const string Section = "Realtime:Streams";
    public const int DefaultAckTimeoutMs = 30_000;
    public const int DefaultMaxBatch = 1000;
    public const int DefaultBufferSize = 100;
    public const int DefaultFlushIntervalMs = 10;
    public const int DefaultMaxBlockMs = 20_000;
    public const long DefaultMaxEvents = 100_000;
    public const int DefaultTrimIntervalMs = 60_000;
    public const int DefaultMaxPendingListed = 1000;

    /// <summary>
    /// Blocking group reads stay below this: Orleans fails a grain call that has not answered after its response
    /// time-out (30 s by default), and a blocked read is one such call.
    /// </summary>
    public const int BlockCeilingMs = 25_000;

    /// <summary>An event a consumer has not acknowledged this long after it was handed out goes to the next reader of its group.</summary>
    [Range(1, 24 * 3600 * 1000)]
    public int AckTimeoutMs { get; set; } = DefaultAckTimeoutMs;

    /// <summary>The most events one append request may carry, and one read or group read answers.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = DefaultMaxBatch;

    /// <summary><c>bufferSize</c> of a stream created without one.</summary>
    [Range(1, StreamSettings.MaxBufferSize)]
    public int BufferSize { get; set; } = DefaultBufferSize;

    /// <summary><c>flushIntervalMs</c> of a stream created without one.</summary>
    [Range(0, StreamSettings.MaxFlushIntervalMs)]
    public int FlushIntervalMs { get; set; } = DefaultFlushIntervalMs;

    /// <summary><c>retention.maxEvents</c> of a stream created without one (0: no count bound).</summary>
    [Range(0, long.MaxValue)]
    public long RetentionMaxEvents { get; set; } = DefaultMaxEvents;

    /// <summary><c>retention.maxAgeSeconds</c> of a stream created without one (0: no age bound).</summary>
    [Range(0, 100L * 365 * 24 * 3600)]
    public long RetentionMaxAgeSeconds { get; set; }

    /// <summary>The longest a group read waits for new events (<c>blockMs</c> above it is capped).</summary>
    [Range(0, BlockCeilingMs)]
    public int MaxBlockMs { get; set; } = DefaultMaxBlockMs;

    /// <summary>How often an active stream with an age bound trims expired events when nothing is appended.</summary>
    [Range(10, 3600 * 1000)]
    public int TrimIntervalMs { get; set; } = DefaultTrimIntervalMs;

    /// <summary>The most pending events a group description lists (its count covers them all).</summary>
    [Range(1, 100_000)]
    public int MaxPendingListed { get; set; } = DefaultMaxPendingListed;

    public TimeSpan AckTimeout => TimeSpan.FromMilliseconds(AckTimeoutMs);

    /// <summary>Settings of a stream created with <paramref name="type"/>, taking every value not given from these options.</summary>
    public StreamSettings SettingsFor(StreamType type, int? bufferSize, int? flushIntervalMs, long? maxEvents, long? maxAgeSeconds) =>
        new(type, bufferSize ?? BufferSize, flushIntervalMs ?? FlushIntervalMs,
            new StreamRetention(maxEvents ?? RetentionMaxEvents, maxAgeSeconds ?? RetentionMaxAgeSeconds));
}
