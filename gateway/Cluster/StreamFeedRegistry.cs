using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Hosting;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// The durable-stream feeds of this gateway: one feed (and one Orleans stream subscription) per stream that at least one
/// local session follows, with the channel feeds' lifecycle, gap filling and recovery. Stream ids and channel names are
/// separate namespaces, hence a registry of its own.
/// </summary>
internal sealed class StreamFeedRegistry(
    ClusterAccess cluster,
    IOptions<GatewayOptions> gateway,
    IOptions<LimitsOptions> limits,
    RealtimeMetrics metrics,
    TimeProvider time,
    ILogger<ChannelFeed> logger)
    : ChannelFeedRegistry(cluster, gateway, limits, metrics, time, logger)
{
    protected override IFeedLog LogFor(string name) => new StreamFeedLog(name, Cluster);
}
