namespace OrleansRealtime.Gateways;

/// <summary>A page of connections over several gateways.</summary>
/// <param name="Connections">Ordered by connection id.</param>
/// <param name="Unreachable">Gateways with a current lease that did not answer in time (their connections are missing).</param>
[GenerateSerializer, Immutable, Alias("rt.ConnectionPage")]
public sealed record ConnectionPage(
    [property: Id(0)] IReadOnlyList<ConnectionSummary> Connections,
    [property: Id(1)] IReadOnlyList<string> Unreachable);
