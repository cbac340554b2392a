namespace OrleansRealtime.Gateway.Admin;

/// <summary>The answer to <c>GET /api/cluster</c>: the silos of the membership table and the live gateways.</summary>
internal sealed record ClusterResponse(IReadOnlyList<SiloResponse> Silos, IReadOnlyList<GatewayResponse> Gateways);

/// <summary>
/// A silo as Orleans' membership table knows it; <c>status</c> is Orleans' (<c>Active</c>, <c>Joining</c>, <c>ShuttingDown</c>,
/// <c>Dead</c>…). <c>activations</c> (total) and <c>activationsByGrainType</c> show how grains spread over the silos; both are
/// null for a silo that is not active or did not answer.
/// </summary>
internal sealed record SiloResponse(
    string Address, string? Name, string? HostName, string Status, DateTimeOffset StartedAt, DateTimeOffset LastAliveAt,
    int? Activations, IReadOnlyDictionary<string, int>? ActivationsByGrainType);

/// <summary>A gateway with a current lease in the gateway directory, and its load as of its last renewal.</summary>
internal sealed record GatewayResponse(
    string Id, string Address, string Status, DateTimeOffset StartedAt, DateTimeOffset RenewedAt, DateTimeOffset LeaseExpiresAt, GatewayLoadResponse Load);

/// <summary>A gateway's load: connections (total and per transport), channel subscriptions and feeds, message frames delivered per second.</summary>
internal sealed record GatewayLoadResponse(ConnectionCounts Connections, long Subscriptions, long Feeds, double DeliveredPerSecond);

/// <summary>A page of <c>GET /api/connections</c>: ordered by id; <c>next</c> is the cursor for <c>after</c>, null on the last page.</summary>
/// <param name="Unreachable">Gateways that did not answer in time; their connections are missing from the page.</param>
internal sealed record ConnectionListResponse(IReadOnlyList<ConnectionResponse> Connections, string? Next, IReadOnlyList<string> Unreachable);

/// <summary>A page of <c>GET /api/channels</c>: ordered by name; <c>next</c> is the cursor for <c>after</c>, null on the last page.</summary>
internal sealed record ChannelListResponse(IReadOnlyList<ChannelResponse> Channels, string? Next);
