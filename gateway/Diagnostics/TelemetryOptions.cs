namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>Where traces (and metrics) are pushed, bound from <c>Realtime:Telemetry</c>; the Prometheus scrape needs no setting.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Realtime:Telemetry";

    public const string DefaultServiceName = "orleans-realtime-gateway";

    /// <summary>
    /// The OTLP collector, e.g. <c>http://otel-collector:4317</c> (gRPC; set <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> for
    /// HTTP). Empty: tracing is off and spans cost nothing.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The <c>service.name</c> resource attribute of everything exported.</summary>
    public string ServiceName { get; set; } = DefaultServiceName;

    public bool OtlpEnabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    public bool IsValid => !OtlpEnabled || Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _);
}
