using OrleansRealtime.Gateway.Diagnostics;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// <c>GET /api/status</c> (a summary) and <c>GET /api/metrics</c> (every instrument of the gateway's meter), both read
/// from the same meter the Prometheus exporter reads, through <see cref="MetricsReader"/>.
/// </summary>
internal static class DiagnosticsEndpoints
{
    public const string Tag = "Diagnostics";

    public static RouteGroupBuilder MapDiagnosticsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/status", Status)
            .WithName("GetStatus")
            .WithTags(Tag)
            .WithSummary("Gateway summary")
            .WithDescription("This gateway's id, version, clustering mode and uptime, its connections (total and per transport), " +
                             "channel feeds, subscriptions and queued frames.")
            .Produces<StatusResponse>();
        api.MapGet("/metrics", Metrics)
            .WithName("GetMetrics")
            .WithTags(Tag)
            .WithSummary("Detailed metrics as JSON")
            .WithDescription("Every instrument of this gateway's OrleansRealtime meter by name, as the Prometheus endpoint /metrics " +
                             "exposes them: totals with a breakdown per tag (transport, reason, code), gauges as last observed, " +
                             "histograms as count, sum, min and max.")
            .Produces<MetricsResponse>();
        return api;
    }

    private static IResult Status(GatewayInfo gateway, MetricsReader reader)
    {
        var metrics = reader.Snapshot();
        var connections = metrics.GetValueOrDefault("realtime.connections");
        var response = new StatusResponse(
            gateway.GatewayId,
            GatewayInfo.Version,
            gateway.StartedAt,
            Math.Round(gateway.Uptime.TotalSeconds, 3),
            gateway.Clustering,
            gateway.Storage,
            new ConnectionCounts(connections?.Value ?? 0, connections?.By?.GetValueOrDefault("transport") ?? []),
            ValueOf(metrics, RealtimeGauges.Feeds),
            ValueOf(metrics, RealtimeGauges.Subscriptions),
            new QueueDepth(ValueOf(metrics, RealtimeGauges.QueuedFrames), ValueOf(metrics, RealtimeGauges.QueuedBytes)));
        return Results.Json(response, DiagnosticsJsonContext.Default.StatusResponse);
    }

    private static IResult Metrics(GatewayInfo gateway, MetricsReader reader, TimeProvider time) =>
        Results.Json(new MetricsResponse(gateway.GatewayId, time.GetUtcNow(), reader.Snapshot()), DiagnosticsJsonContext.Default.MetricsResponse);

    private static long ValueOf(IReadOnlyDictionary<string, MetricValue> metrics, string name) => metrics.GetValueOrDefault(name)?.Value ?? 0;
}
