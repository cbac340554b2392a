namespace OrleansRealtime.Channels;

/// <summary>
/// The answer to one publication of a batch (<see cref="IChannelGrain.PublishBatchAsync"/>): its position, or why the
/// grain refused that one publication. A refused publication takes no offset; the others of the batch go ahead.
/// </summary>
/// <param name="Offset">The offset the message got; 0 when refused.</param>
/// <param name="Epoch">The epoch the offset belongs to; empty when refused.</param>
/// <param name="Error">Why the publication was refused (a bad request); null when it was published.</param>
[GenerateSerializer, Immutable, Alias("rt.PublishResult")]
public readonly record struct PublishResult(
    [property: Id(0)] long Offset,
    [property: Id(1)] string Epoch,
    [property: Id(2)] string? Error)
{
    public static PublishResult Published(ChannelPosition position) => new(position.Offset, position.Epoch, null);

    public static PublishResult Refused(string error) => new(0, string.Empty, error);

    /// <summary>The position of a published message (meaningless when <see cref="Error"/> is set).</summary>
    public ChannelPosition Position => new(Offset, Epoch);
}
