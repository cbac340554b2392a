namespace OrleansRealtime.Gateways;

/// <summary>What a gateway says about itself on each lease renewal.</summary>
/// <param name="GatewayId">Its id (<c>Realtime:GatewayId</c>).</param>
/// <param name="Address">The base URL it serves HTTP on, as it knows it.</param>
/// <param name="StartedAt">When it started serving.</param>
/// <param name="Load">Its load at the time of the renewal.</param>
[GenerateSerializer, Immutable, Alias("rt.GatewayRegistration")]
public sealed record GatewayRegistration(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] string Address,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] GatewayLoad Load);
