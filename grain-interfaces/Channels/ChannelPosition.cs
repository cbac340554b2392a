namespace OrleansRealtime.Channels;

/// <summary>A position in a channel: the offset of a message (or the top offset, 0 before the first publish) within an epoch.</summary>
[GenerateSerializer, Immutable, Alias("rt.ChannelPosition")]
public readonly record struct ChannelPosition(
    [property: Id(0)] long Offset,
    [property: Id(1)] string Epoch);
