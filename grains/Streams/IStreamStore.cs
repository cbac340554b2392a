namespace OrleansRealtime.Streams;

/// <summary>
/// The storage behind durable streams: per stream its settings, an append-only log of events whose ids are their
/// offsets, and its consumer groups. One write per batch of events, never a rewrite.
/// </summary>
/// <remarks>
/// <para>
/// Per stream, the stream grain is the single writer; implementations are safe for concurrent use across streams
/// and for concurrent group reads and acks of one stream. <see cref="AppendAsync"/> fences the writer: it accepts
/// only a batch that starts right after the stored last offset.
/// </para>
/// <para>
/// Retention trims a prefix of the log, so retained offsets are always a contiguous run: by count on every append,
/// by age (<see cref="RetentionCut"/>) on every operation that takes a cut. Consumer groups follow the semantics of
/// Redis Streams consumer groups, which the Redis implementation uses natively: a group has a position (the last
/// offset it handed out) and a pending list (offset → consumer, delivery count, time of the last delivery); a group
/// read first claims pending events idle for at least the ack timeout (from any consumer, delivery count + 1;
/// pending events whose event was trimmed meanwhile are dropped instead), then hands out events after the position
/// (delivery count 1). An ack removes an event from the pending list whichever consumer holds it.
/// </para>
/// </remarks>
public interface IStreamStore
{
    /// <summary>The stream's settings and last offset, or null when it does not exist.</summary>
    ValueTask<StoredStream?> GetAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>Creates the stream, with a new epoch, unless it exists; answers whether it did, and the stream as stored.</summary>
    ValueTask<(bool Created, StoredStream Stream)> CreateAsync(string stream, StreamSettings settings, CancellationToken cancellationToken = default);

    /// <summary>Deletes the stream, its events and its groups; false when it did not exist.</summary>
    ValueTask<bool> DeleteAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>Every stream with its settings, ordered by id.</summary>
    ValueTask<IReadOnlyList<StreamListing>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a batch whose offsets continue the stored last offset, then trims by <paramref name="cut"/>. Completes
    /// only when the batch is durable in this store. Throws <see cref="StreamStoreConflictException"/> when the first
    /// offset is not the stored last offset + 1, or the stream does not exist.
    /// </summary>
    ValueTask AppendAsync(string stream, IReadOnlyList<StreamEvent> events, RetentionCut cut, CancellationToken cancellationToken = default);

    /// <summary>Trims by <paramref name="cut"/>, then answers up to <paramref name="limit"/> events from offset <paramref name="from"/> on (inclusive).</summary>
    ValueTask<StreamSlice> ReadAsync(string stream, long from, int limit, RetentionCut cut, CancellationToken cancellationToken = default);

    /// <summary>Trims by <paramref name="cut"/> (what a timer does for a stream nothing is appended to).</summary>
    ValueTask TrimAsync(string stream, RetentionCut cut, CancellationToken cancellationToken = default);

    /// <summary>Length, first offset and groups as stored; trims nothing.</summary>
    ValueTask<StreamStats> StatsAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>
    /// Trims by <paramref name="cut"/>, then hands up to <paramref name="count"/> events to <paramref name="consumer"/>
    /// (see the remarks); creates the group, positioned at offset 0, when it does not exist.
    /// </summary>
    ValueTask<IReadOnlyList<GroupDelivery>> ReadGroupAsync(
        string stream, string group, string consumer, int count, TimeSpan ackTimeout, RetentionCut cut, CancellationToken cancellationToken = default);

    /// <summary>Removes the offsets from the group's pending list; answers how many were pending.</summary>
    ValueTask<int> AckAsync(string stream, string group, IReadOnlyList<long> offsets, CancellationToken cancellationToken = default);

    /// <summary>The group's position and its oldest <paramref name="maxPending"/> pending events; null for an unknown group.</summary>
    ValueTask<GroupDescription?> DescribeGroupAsync(string stream, string group, int maxPending, CancellationToken cancellationToken = default);
}

/// <summary>A stream as the store holds it.</summary>
/// <param name="Epoch">The stream's incarnation, chosen by the store when it creates the stream (see <see cref="StreamDescription.Epoch"/>).</param>
public sealed record StoredStream(StreamSettings Settings, long LastOffset, string Epoch);

/// <summary>The result of <see cref="IStreamStore.ReadAsync"/>.</summary>
/// <param name="LastOffset">The stored last offset.</param>
/// <param name="Events">The events read, oldest first.</param>
public sealed record StreamSlice(long LastOffset, IReadOnlyList<StreamEvent> Events);

/// <summary>The result of <see cref="IStreamStore.StatsAsync"/>; all zero and empty for a stream that does not exist.</summary>
/// <param name="FirstOffset">Offset of the oldest retained event; <c>LastOffset + 1</c> when none is retained.</param>
public sealed record StreamStats(long Length, long FirstOffset, long LastOffset, IReadOnlyList<GroupSummary> Groups);

/// <summary>What retention removes now: events beyond the newest <paramref name="MaxEvents"/> (0: no bound), and the
/// prefix of events stamped at or before <paramref name="AgeCutoffMs"/> (<see cref="long.MinValue"/>: no bound).</summary>
public readonly record struct RetentionCut(long MaxEvents, long AgeCutoffMs)
{
    public static readonly RetentionCut None = new(0, long.MinValue);

    public static RetentionCut For(StreamRetention retention, TimeProvider clock) =>
        new(retention.MaxEvents, retention.AgeCutoffMs(clock.GetUtcNow().ToUnixTimeMilliseconds()));

    public bool HasAgeBound => AgeCutoffMs != long.MinValue;
}

/// <summary>The store's last offset is not where the writer thought, or the stream is gone.</summary>
public sealed class StreamStoreConflictException : Exception
{
    public StreamStoreConflictException()
    {
    }

    public StreamStoreConflictException(string message)
        : base(message)
    {
    }

    public StreamStoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
