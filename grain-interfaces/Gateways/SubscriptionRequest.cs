namespace OrleansRealtime.Gateways;

/// <summary>
/// A subscription the server makes for a connection (<c>POST /api/subscriptions</c>), already validated by the gateway
/// that received the request and carried to the gateway holding the connection.
/// </summary>
/// <param name="Channel">The channel to follow; exactly one of it and <paramref name="Pattern"/> is set.</param>
/// <param name="Pattern">The pattern to follow.</param>
/// <param name="Filter">The filter as a JSON object, or null.</param>
/// <param name="Since">For a channel: recover from this position, like <c>subscribe</c> with <c>since</c>.</param>
[GenerateSerializer, Immutable, Alias("rt.SubscriptionRequest")]
public sealed record SubscriptionRequest(
    [property: Id(0)] string? Channel,
    [property: Id(1)] string? Pattern,
    [property: Id(2)] string? Filter,
    [property: Id(3)] SubscriptionSince? Since);

/// <summary>A recovery position: the last offset the client has, in its epoch (null: any epoch).</summary>
[GenerateSerializer, Immutable, Alias("rt.SubscriptionSince")]
public sealed record SubscriptionSince(
    [property: Id(0)] long Offset,
    [property: Id(1)] string? Epoch);
