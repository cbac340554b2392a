using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRealtime.Gateway.Diagnostics;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>The answer to <c>GET /api/status</c>.</summary>
/// <param name="GatewayId">This gateway's id (as in <c>welcome</c> frames).</param>
/// <param name="Version">The gateway's informational version.</param>
/// <param name="StartedAt">When the gateway started serving.</param>
/// <param name="UptimeSeconds">Seconds since <paramref name="StartedAt"/>.</param>
/// <param name="Clustering"><c>Embedded</c>, <c>Localhost</c> or <c>Redis</c>.</param>
/// <param name="Storage"><c>Memory</c> or <c>Redis</c>.</param>
/// <param name="Connections">Open connections, in total and per transport.</param>
/// <param name="Feeds">Channels with local subscribers (one stream subscription each).</param>
/// <param name="Subscriptions">Channel subscriptions of this gateway's connections.</param>
/// <param name="SendQueue">Frames and bytes waiting in send queues, over all connections.</param>
internal sealed record StatusResponse(
    string GatewayId,
    string Version,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    string Clustering,
    string Storage,
    ConnectionCounts Connections,
    long Feeds,
    long Subscriptions,
    QueueDepth SendQueue);

internal sealed record ConnectionCounts(long Total, IReadOnlyDictionary<string, long> ByTransport);

internal sealed record QueueDepth(long Frames, long Bytes);

/// <summary>The answer to <c>GET /api/metrics</c>: every instrument of the gateway's meter, by instrument name.</summary>
internal sealed record MetricsResponse(string GatewayId, DateTimeOffset Timestamp, IReadOnlyDictionary<string, MetricValue> Metrics);

/// <summary>Source-generated JSON for the diagnostics answers (camelCase; absent values are left out).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(MetricsResponse))]
internal sealed partial class DiagnosticsJsonContext : JsonSerializerContext;
