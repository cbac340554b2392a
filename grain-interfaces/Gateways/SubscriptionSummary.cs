namespace OrleansRealtime.Gateways;

/// <summary>One subscription of a connection, as the admin API shows it (<c>/api/subscriptions</c>).</summary>
/// <param name="Id">Its id: opaque, derived from the connection id and the channel or pattern, so the same subscription always has the same id.</param>
/// <param name="ConnectionId">The connection that holds it.</param>
/// <param name="GatewayId">The gateway that holds the connection.</param>
/// <param name="Channel">The channel it follows, or null for a pattern subscription.</param>
/// <param name="Pattern">The pattern it follows, or null for a channel subscription.</param>
/// <param name="Filter">Its filter as a JSON object, or null.</param>
/// <param name="Server">True when the server made it (<c>POST /api/subscriptions</c>), false when the client did.</param>
/// <param name="Position">For a channel subscription just made: where it went live (the seam of its recovery); null otherwise.</param>
[GenerateSerializer, Immutable, Alias("rt.SubscriptionSummary")]
public sealed record SubscriptionSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string ConnectionId,
    [property: Id(2)] string GatewayId,
    [property: Id(3)] string? Channel,
    [property: Id(4)] string? Pattern,
    [property: Id(5)] string? Filter,
    [property: Id(6)] bool Server,
    [property: Id(7)] SubscriptionPosition? Position = null);

/// <summary>Where a new channel subscription went live: the channel's top offset and epoch, and whether <c>since</c> was recovered (null without <c>since</c>).</summary>
[GenerateSerializer, Immutable, Alias("rt.SubscriptionPosition")]
public sealed record SubscriptionPosition(
    [property: Id(0)] long Offset,
    [property: Id(1)] string Epoch,
    [property: Id(2)] bool? Recovered);
