namespace OrleansRealtime.Gateways;

/// <summary>A live gateway in the directory: its last registration and when its lease runs out.</summary>
[GenerateSerializer, Immutable, Alias("rt.GatewayEntry")]
public sealed record GatewayEntry(
    [property: Id(0)] GatewayRegistration Registration,
    [property: Id(1)] DateTimeOffset RenewedAt,
    [property: Id(2)] DateTimeOffset ExpiresAt);
