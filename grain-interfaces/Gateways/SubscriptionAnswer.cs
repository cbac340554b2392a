namespace OrleansRealtime.Gateways;

/// <summary>
/// The answer of the gateway holding a connection to a subscription command: the subscriptions concerned, or the
/// protocol error that refused the command (observers answer errors as values: the protocol's exception type is the
/// gateway's own and does not cross the cluster).
/// </summary>
/// <param name="Subscriptions">The new subscription, the listed ones, or the removed one.</param>
/// <param name="Code">The protocol error code (<c>bad_request</c>, <c>forbidden</c>, <c>limit_exceeded</c>, <c>not_found</c> …) when refused.</param>
/// <param name="Message">Why it was refused.</param>
/// <param name="Conflict">The refusal is a conflict with the connection's state (already subscribed), not a bad request.</param>
[GenerateSerializer, Immutable, Alias("rt.SubscriptionAnswer")]
public sealed record SubscriptionAnswer(
    [property: Id(0)] IReadOnlyList<SubscriptionSummary> Subscriptions,
    [property: Id(1)] string? Code = null,
    [property: Id(2)] string? Message = null,
    [property: Id(3)] bool Conflict = false);

/// <summary>The answer of the gateways to a subscription command about one connection.</summary>
/// <param name="Answer">The answer of the gateway holding the connection; null when no gateway that answered holds it.</param>
/// <param name="Unreachable">Gateways with a current lease that did not answer in time: when the connection was not found, one of them may hold it.</param>
[GenerateSerializer, Immutable, Alias("rt.SubscriptionLookup")]
public sealed record SubscriptionLookup(
    [property: Id(0)] SubscriptionAnswer? Answer,
    [property: Id(1)] IReadOnlyList<string> Unreachable);
