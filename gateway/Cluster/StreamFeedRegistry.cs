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

    /// <summary>
    /// Makes a joined subscription live (see <see cref="ChannelFeedRegistry.ActivateAsync(ChannelSubscription, RecoveryPosition?, AckWriter?)"/>).
    /// A stream deleted and created again is a normal operation, not a lost store: a feed that still delivers in the
    /// old incarnation (no batch of the new one has reached it yet) first catches up with <paramref name="currentEpoch"/>,
    /// so the ack names the stream as it is now.
    /// </summary>
    public async Task ActivateAsync(ChannelSubscription subscription, RecoveryPosition? since, string currentEpoch, AckWriter? ack)
    {
        var feed = subscription.Feed;
        if (feed.Ready.IsCompletedSuccessfully && feed.Epoch != currentEpoch)
        {
            try
            {
                await feed.AuditAsync(Time.GetTimestamp(), TimeSpan.Zero);
            }
            catch
            {
                Release(subscription);
                throw;
            }
        }

        await ActivateAsync(subscription, since, ack);
    }
}
