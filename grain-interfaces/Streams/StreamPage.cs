namespace OrleansRealtime.Streams;

/// <summary>An answer to a read of a stream's events.</summary>
/// <param name="Events">Retained events from the asked offset on (inclusive), oldest first.</param>
/// <param name="Next">The offset to read from next: the last returned offset + 1, or where the stream will continue.</param>
/// <param name="LastOffset">The stream's newest offset when the page was read (0 before the first event).</param>
[GenerateSerializer, Immutable, Alias("rt.StreamPage")]
public sealed record StreamPage(
    [property: Id(0)] IReadOnlyList<StreamEvent> Events,
    [property: Id(1)] long Next,
    [property: Id(2)] long LastOffset)
{
    /// <summary>True when retained events after this page exist.</summary>
    public bool More => Next <= LastOffset;
}
