using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// Metrics, traces and the diagnostics endpoints: OpenTelemetry with the Prometheus exporter at <c>GET /metrics</c>,
/// OTLP export of traces and metrics when <c>Realtime:Telemetry:OtlpEndpoint</c> is set, and the JSON
/// <c>GET /api/status</c> and <c>GET /api/metrics</c>.
/// </summary>
internal static partial class ObservabilityExtensions
{
    public const string PrometheusPath = "/metrics";

    /// <summary>Meters exported besides the gateway's own: Orleans' and ASP.NET Core's (requests, Kestrel connections).</summary>
    private static readonly string[] Meters =
        [RealtimeMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    /// <summary>Orleans' grain-call sources: they produce spans once the silo or client enables activity propagation.</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static WebApplicationBuilder AddRealtimeObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Read once, here: it decides which exporters exist at all.
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!telemetry.IsValid)
            throw new OptionsValidationException(TelemetryOptions.Section, typeof(TelemetryOptions),
                [$"{TelemetryOptions.Section}:OtlpEndpoint must be an absolute URI, e.g. http://otel-collector:4317 (got '{telemetry.OtlpEndpoint}')"]);
        services.AddSingleton(telemetry);
        services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection(AdminOptions.Section));
        services.AddSingleton<AdminApiKey>();
        services.AddSingleton<RealtimeGauges>();
        services.AddSingleton<MetricsReader>();
        services.AddSingleton<GatewayInfo>();

        var openTelemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(telemetry.ServiceName, serviceVersion: GatewayInfo.Version, autoGenerateServiceInstanceId: false)
                .AddDetector(provider => new GatewayResourceDetector(provider.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayId)))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters);
                // Scrapes are rare; a cached answer would only make a scrape right after traffic miss it.
                metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (telemetry.OtlpEnabled)
                    metrics.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(telemetry.OtlpEndpoint!));
            });

        // A process can host several gateways (the tests do), whose meters share names: export only this host's
        // meters, i.e. those its own meter factory made, plus the process-wide ones no factory made.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var ownFactory = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, ownFactory)
                ? MetricStreamConfiguration.Drop
                : null);
        });

        // Without an exporter no tracer provider is built, so nothing listens to the activity sources and every span
        // helper returns null at once.
        if (telemetry.OtlpEnabled)
        {
            openTelemetry.WithTracing(tracing => tracing
                .AddSource(RealtimeActivities.SourceName)
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => IsTraced(context.Request.Path))
                .AddOtlpExporter(otlp => otlp.Endpoint = new Uri(telemetry.OtlpEndpoint!)));
        }

        return builder;
    }

    public static WebApplication MapRealtimeObservability(this WebApplication app)
    {
        // Created now, before traffic: the reader totals counters from their first measurement.
        app.Services.GetRequiredService<MetricsReader>();
        app.Services.GetRequiredService<RealtimeGauges>();
        app.Services.GetRequiredService<GatewayInfo>();

        var admin = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var access = app.Services.GetRequiredService<AdminAccess>();
        app.MapPrometheusScrapingEndpoint(PrometheusPath, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (admin.ProtectMetrics)
                branch.Use(async (context, next) =>
                {
                    if (await access.RequireAsync(context))
                        await next(context);
                });
        }, optionsName: null);

        app.MapAdminApi().MapDiagnosticsEndpoints();

        var telemetry = app.Services.GetRequiredService<TelemetryOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ObservabilityExtensions).FullName!);
        LogTelemetry(logger, PrometheusPath, admin.ProtectMetrics, telemetry.OtlpEnabled ? telemetry.OtlpEndpoint! : "off");
        return app;
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information,
        Message = "Metrics at {PrometheusPath} (protected: {Protected}); OTLP export of traces and metrics: {OtlpEndpoint}")]
    private static partial void LogTelemetry(ILogger logger, string prometheusPath, bool @protected, string otlpEndpoint);

    /// <summary>Scrapes and probes are not worth a trace each.</summary>
    private static bool IsTraced(PathString path) =>
        !path.StartsWithSegments(PrometheusPath, StringComparison.Ordinal) && !path.StartsWithSegments("/health", StringComparison.Ordinal);

    /// <summary>Adds <c>service.instance.id</c> = the gateway id, so traces and metrics name the gateway they come from.</summary>
    private sealed class GatewayResourceDetector(string gatewayId) : IResourceDetector
    {
        public Resource Detect() => new([new KeyValuePair<string, object>("service.instance.id", gatewayId)]);
    }
}
