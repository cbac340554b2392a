namespace OrleansRealtime.Channels;

/// <summary>Asks for the messages after <paramref name="After"/> (exclusive), oldest first.</summary>
/// <param name="After">Offset after which to read; 0 reads from the start of the retained history.</param>
/// <param name="Epoch">
/// The epoch <paramref name="After"/> belongs to; null when the caller has none. Any other epoch than the channel's
/// reads from the start of the retained history, and the page is not continuous.
/// </param>
/// <param name="Limit">At most this many messages (the grain caps it by configuration); 0 answers only the position.</param>
[GenerateSerializer, Immutable, Alias("rt.HistoryQuery")]
public readonly record struct HistoryQuery(
    [property: Id(0)] long After,
    [property: Id(1)] string? Epoch,
    [property: Id(2)] int Limit);
