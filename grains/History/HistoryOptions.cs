using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.History;

/// <summary>Channel history retention, bound from <c>Realtime:History</c>.</summary>
public sealed class HistoryOptions
{
    public const string Section = "Realtime:History";
    public const int DefaultSize = 1000;
    public const int DefaultTtlSeconds = 3600;
    public const int DefaultMaxPageSize = 1000;

    /// <summary>Messages kept per channel; older ones are trimmed on append.</summary>
    [Range(1, 1_000_000)]
    public int Size { get; set; } = DefaultSize;

    /// <summary>Age after which a message leaves the history; 0 keeps messages until <see cref="Size"/> trims them.</summary>
    [Range(0, 365 * 24 * 3600)]
    public int TtlSeconds { get; set; } = DefaultTtlSeconds;

    /// <summary>The largest page a history read answers, whatever limit the client asked for.</summary>
    [Range(1, 100_000)]
    public int MaxPageSize { get; set; } = DefaultMaxPageSize;

    public TimeSpan Ttl => TimeSpan.FromSeconds(TtlSeconds);

    /// <summary>
    /// The expiry rule, in one place for every store: a message whose <c>TimestampMs</c> is at or before the returned
    /// value has reached <see cref="TtlSeconds"/> of age. <see cref="long.MinValue"/> when there is no TTL.
    /// </summary>
    internal long ExpiryCutoffMs(TimeProvider clock) =>
        TtlSeconds == 0 ? long.MinValue : clock.GetUtcNow().ToUnixTimeMilliseconds() - (TtlSeconds * 1000L);
}
