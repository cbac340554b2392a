namespace OrleansRealtime.Channels;

/// <summary>A channel's state for the admin API.</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Epoch">The current epoch.</param>
/// <param name="Offset">The top offset (0 before the first publish).</param>
/// <param name="HistoryLength">How many messages the history currently retains.</param>
/// <param name="Subscribers">Local subscriber count per gateway id, as the gateways last reported it.</param>
/// <param name="Published">Messages published since this grain activation.</param>
/// <param name="PublishedPerSecond">Messages published per second, averaged over the last <see cref="RateWindowSeconds"/> seconds of the channel's clock.</param>
[GenerateSerializer, Immutable, Alias("rt.ChannelInfo")]
public sealed record ChannelInfo(
    [property: Id(0)] string Channel,
    [property: Id(1)] string Epoch,
    [property: Id(2)] long Offset,
    [property: Id(3)] int HistoryLength,
    [property: Id(4)] IReadOnlyDictionary<string, int> Subscribers,
    [property: Id(5)] long Published,
    [property: Id(6)] double PublishedPerSecond = 0)
{
    /// <summary>The window <see cref="PublishedPerSecond"/> averages over.</summary>
    public const int RateWindowSeconds = 60;
}
