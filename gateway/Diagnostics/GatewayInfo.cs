using System.Reflection;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>What <c>GET /api/status</c> says about this gateway besides its metrics: identity, version, mode, uptime.</summary>
internal sealed class GatewayInfo
{
    private readonly TimeProvider _time;

    public GatewayInfo(IOptions<GatewayOptions> gateway, IConfiguration configuration, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        _time = time;
        GatewayId = gateway.Value.GatewayId;
        var cluster = RealtimeClusterOptions.From(configuration);
        Clustering = cluster.Clustering.ToString();
        Storage = cluster.EffectiveStorage.ToString();
        StartedAt = time.GetUtcNow();
        lifetime.ApplicationStarted.Register(() => StartedAt = _time.GetUtcNow());
    }

    public static string Version { get; } =
        typeof(GatewayInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(GatewayInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public string GatewayId { get; }

    /// <summary><c>Embedded</c>, <c>Localhost</c> or <c>Redis</c> (<c>Orleans:Clustering</c>).</summary>
    public string Clustering { get; }

    public string Storage { get; }

    /// <summary>When the gateway started serving.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public TimeSpan Uptime => _time.GetUtcNow() - StartedAt;
}
