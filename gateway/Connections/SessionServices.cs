using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>What every session shares: options, cluster access, channel, pattern and stream feeds, the registry, metrics, time.</summary>
internal sealed class SessionServices(
    IOptions<LimitsOptions> limits,
    IOptions<GatewayOptions> gateway,
    ClusterAccess cluster,
    ChannelFeedRegistry feeds,
    PatternFeedRegistry patterns,
    StreamFeedRegistry streams,
    SessionRegistry sessions,
    RealtimeMetrics metrics,
    TokenValidator tokens,
    UserRateLimiter userRates,
    IOptions<AuthOptions> auth,
    TimeProvider time,
    ILogger<Session> logger)
{
    public LimitsOptions Limits { get; } = limits.Value;

    public GatewayOptions Gateway { get; } = gateway.Value;

    public ClusterAccess Cluster { get; } = cluster;

    public ChannelFeedRegistry Feeds { get; } = feeds;

    public PatternFeedRegistry Patterns { get; } = patterns;

    public StreamFeedRegistry Streams { get; } = streams;

    public SessionRegistry Sessions { get; } = sessions;

    public RealtimeMetrics Metrics { get; } = metrics;

    public TokenValidator Tokens { get; } = tokens;

    public UserRateLimiter UserRates { get; } = userRates;

    public AuthOptions Auth { get; } = auth.Value;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;
}
