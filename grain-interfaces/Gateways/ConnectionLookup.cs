namespace OrleansRealtime.Gateways;

/// <summary>The answer of the gateways to a command about one connection.</summary>
/// <param name="Connection">The connection as its gateway described it (for a close: just before closing it); null when no gateway that answered holds it.</param>
/// <param name="Unreachable">Gateways with a current lease that did not answer in time: when the connection was not found, one of them may hold it.</param>
[GenerateSerializer, Immutable, Alias("rt.ConnectionLookup")]
public sealed record ConnectionLookup(
    [property: Id(0)] ConnectionSummary? Connection,
    [property: Id(1)] IReadOnlyList<string> Unreachable);
