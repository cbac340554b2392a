using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Hosting;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>What every session shares: options, cluster access, channel and pattern feeds, the registry, metrics, time.</summary>
internal sealed class SessionServices(
    IOptions<LimitsOptions> limits,
    IOptions<GatewayOptions> gateway,
    ClusterAccess cluster,
    ChannelFeedRegistry feeds,
    PatternFeedRegistry patterns,
    SessionRegistry sessions,
    RealtimeMetrics metrics,
    TimeProvider time,
    ILogger<Session> logger)
{
    public LimitsOptions Limits { get; } = limits.Value;

    public GatewayOptions Gateway { get; } = gateway.Value;

    public ClusterAccess Cluster { get; } = cluster;

    public ChannelFeedRegistry Feeds { get; } = feeds;

    public PatternFeedRegistry Patterns { get; } = patterns;

    public SessionRegistry Sessions { get; } = sessions;

    public RealtimeMetrics Metrics { get; } = metrics;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;
}
