using OrleansRealtime.Channels;

namespace OrleansRealtime.History;

/// <summary>
/// The append-only log behind every channel: one append per message, never a rewrite of the whole history.
/// Each channel's log carries its epoch and top offset with it, so a channel grain that reactivates continues
/// where the store says it was, and a store that lost a channel's log starts a new epoch.
/// </summary>
/// <remarks>
/// Implementations are safe for concurrent use across channels; per channel, the channel grain is the single
/// writer. <see cref="AppendAsync"/> fences that writer: it accepts only the offset right after the stored top.
/// Expiry by TTL trims a prefix of the log (from the oldest message up to the first one younger than the TTL), so the
/// retained history is always a contiguous run of offsets, whatever the clock did between two publications.
/// </remarks>
public interface IHistoryStore
{
    /// <summary>The channel's epoch and top offset; creates a new epoch (top 0) when the store holds none.</summary>
    ValueTask<ChannelPosition> OpenAsync(string channel, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends one message, trimming the log to the configured size and age. Completes only when the message is
    /// durable in this store. Throws <see cref="HistoryConflictException"/> when <see cref="ChannelMessage.Offset"/>
    /// is not the stored top + 1 in <see cref="ChannelMessage.Epoch"/> (another writer, or a lost log).
    /// </summary>
    ValueTask AppendAsync(ChannelMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends consecutive messages of one channel and epoch at once (a channel grain's batch), all or none: the first
    /// must be the stored top + 1, or <see cref="HistoryConflictException"/> is thrown and nothing is stored. One round
    /// trip to the store however many messages, which is what makes batched publishing cheaper than one append each.
    /// </summary>
    ValueTask AppendBatchAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> retained, unexpired messages with offset greater than <paramref name="after"/>,
    /// oldest first, with the current epoch and top. <see cref="HistorySlice.Oldest"/> tells the caller whether
    /// anything after <paramref name="after"/> was already trimmed. <paramref name="limit"/> 0 reads only the position.
    /// A channel the store holds nothing for (never opened, or its log was lost) reads as empty without being created:
    /// epoch <see cref="string.Empty"/>, top 0, oldest 1.
    /// </summary>
    ValueTask<HistorySlice> ReadAsync(string channel, long after, int limit, CancellationToken cancellationToken = default);

    /// <summary>How many unexpired messages the channel's history currently retains (0 for a channel the store does not hold).</summary>
    ValueTask<int> CountAsync(string channel, CancellationToken cancellationToken = default);
}

/// <summary>The result of <see cref="IHistoryStore.ReadAsync"/>.</summary>
/// <param name="Epoch">The channel's current epoch.</param>
/// <param name="Top">The channel's top offset.</param>
/// <param name="Oldest">Offset of the oldest retained, unexpired message; <c>Top + 1</c> when none is retained.</param>
/// <param name="Messages">The messages read, oldest first.</param>
public sealed record HistorySlice(string Epoch, long Top, long Oldest, IReadOnlyList<ChannelMessage> Messages);

/// <summary>The store's top is not where the writer thought it was: another writer appended, or the log was lost.</summary>
public sealed class HistoryConflictException : Exception
{
    public HistoryConflictException()
    {
    }

    public HistoryConflictException(string message)
        : base(message)
    {
    }

    public HistoryConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
