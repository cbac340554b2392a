namespace OrleansRealtime.Gateways;

/// <summary>A gateway's load as it last reported it.</summary>
/// <param name="Connections">Open connections per transport (<c>websocket</c>, <c>sse</c>, <c>polling</c>, <c>hub</c>).</param>
/// <param name="Subscriptions">Channel subscriptions of its connections.</param>
/// <param name="Feeds">Channels it holds a stream subscription for.</param>
/// <param name="DeliveredPerSecond">Message frames queued to its clients per second since its previous renewal.</param>
[GenerateSerializer, Immutable, Alias("rt.GatewayLoad")]
public sealed record GatewayLoad(
    [property: Id(0)] IReadOnlyDictionary<string, long> Connections,
    [property: Id(1)] long Subscriptions,
    [property: Id(2)] long Feeds,
    [property: Id(3)] double DeliveredPerSecond);
