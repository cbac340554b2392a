namespace OrleansRealtime.Channels;

/// <summary>An answer to a <see cref="HistoryQuery"/>.</summary>
/// <param name="Epoch">The channel's current epoch.</param>
/// <param name="Top">The channel's top offset when the page was read.</param>
/// <param name="Messages">Messages after the query's offset, oldest first.</param>
/// <param name="More">True when messages newer than the last one returned exist.</param>
/// <param name="Continuous">
/// True when the page continues the caller's position without a hole: the query's epoch was absent or current,
/// and the retained history still held every message after the query's offset. False means the caller must resync.
/// </param>
[GenerateSerializer, Immutable, Alias("rt.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] string Epoch,
    [property: Id(1)] long Top,
    [property: Id(2)] IReadOnlyList<ChannelMessage> Messages,
    [property: Id(3)] bool More,
    [property: Id(4)] bool Continuous);
