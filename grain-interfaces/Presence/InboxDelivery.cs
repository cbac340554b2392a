using OrleansRealtime.Channels;

namespace OrleansRealtime.Presence;

/// <summary>
/// What a new connection of a user takes over: the direct messages that waited in the inbox (oldest first) and the
/// position of the user's direct log they end at. The connection delivers them, then follows the log live from
/// <paramref name="Position"/>, so nothing is missed or repeated at the seam. Only the connection that ends an offline
/// period gets messages; any other gets an empty list and the current position.
/// </summary>
/// <param name="Messages">The waiting messages, in order.</param>
/// <param name="Position">Where the live log continues (exclusive).</param>
/// <param name="Dropped">Messages dropped from this inbox so far (over its bound, past its TTL, or lost with history).</param>
[GenerateSerializer, Immutable, Alias("rt.InboxDelivery")]
public sealed record InboxDelivery(
    [property: Id(0)] IReadOnlyList<ChannelMessage> Messages,
    [property: Id(1)] ChannelPosition Position,
    [property: Id(2)] long Dropped);
