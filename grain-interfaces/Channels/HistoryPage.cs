namespace OrleansRealtime.Channels;

/// <summary>An answer to a <see cref="HistoryQuery"/>.</summary>
/// <param name="Epoch">The channel's current epoch.</param>
/// <param name="Top">The channel's top offset when the page was read.</param>
/// <param name="Messages">Messages after the query's offset, oldest first.</param>
/// <param name="More">
/// True when retained messages newer than this page exist: ask again after the last returned offset. Precisely: the last
/// offset the page covers (its last message; without messages, the query's position, or the offset before the oldest
/// retained message when the history starts later) is below <paramref name="Top"/>. Paging forward therefore ends,
/// even when everything after the query's position has expired.
/// </param>
/// <param name="Continuous">
/// True when the page continues the caller's position without a hole: the query's epoch was absent or current,
/// and the retained history still held every message after the query's offset (trivially so for a caller at the top,
/// even when everything has expired). A position after the top is not continuous. False means the caller must resync.
/// </param>
[GenerateSerializer, Immutable, Alias("rt.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long Top,
    [property: Id(2)] IReadOnlyList<ChannelMessage> Messages,
    [property: Id(3)] bool More,
    [property: Id(4)] bool Continuous);
