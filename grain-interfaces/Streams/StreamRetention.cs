namespace OrleansRealtime.Streams;

/// <summary>How much of a stream is kept; 0 means no bound of that kind.</summary>
/// <param name="MaxEvents">Newest events kept; older ones are trimmed.</param>
/// <param name="MaxAgeSeconds">Events reach this age and are trimmed.</param>
[GenerateSerializer, Immutable, Alias("rt.StreamRetention")]
public readonly record struct StreamRetention(
    [property: Id(0)] long MaxEvents,
    [property: Id(1)] long MaxAgeSeconds)
{
    /// <summary>
    /// The age rule, in one place for every store: an event whose timestamp is at or before the returned value has
    /// reached <see cref="MaxAgeSeconds"/>. <see cref="long.MinValue"/> when there is no age bound.
    /// </summary>
    public long AgeCutoffMs(long nowMs) => MaxAgeSeconds == 0 ? long.MinValue : nowMs - (MaxAgeSeconds * 1000);
}
