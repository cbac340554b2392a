using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// The channel feeds of this gateway: a feed exists while at least one local session subscribes to its channel,
/// so the gateway holds exactly one stream subscription per channel in use and drops it with the last subscriber.
/// <see cref="StreamFeedRegistry"/> does the same for durable streams, with their own logs and names.
/// </summary>
internal partial class ChannelFeedRegistry(
    ClusterAccess cluster,
    IOptions<GatewayOptions> gateway,
    IOptions<LimitsOptions> limits,
    RealtimeMetrics metrics,
    TimeProvider time,
    ILogger<ChannelFeed> logger)
{
    private readonly Dictionary<string, ChannelFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ClusterAccess Cluster { get; } = cluster;

    public string GatewayId { get; } = gateway.Value.GatewayId;

    public RealtimeMetrics Metrics { get; } = metrics;

    public ILogger Logger { get; } = logger;

    public TimeProvider Time { get; } = time;

    /// <summary>Live frames parked for one recovering subscription before it counts as a slow consumer.</summary>
    public int MaxPendingFrames { get; } = limits.Value.SendQueueFrames;

    public ChannelFeed[] Snapshot()
    {
        lock (_lock)
            return [.. _feeds.Values];
    }

    /// <summary>
    /// Joins (or starts) the channel's feed for a session. The subscription is pending: it receives nothing until
    /// <see cref="ActivateAsync"/> answers it, so the session can record it before its ack can reach the client.
    /// </summary>
    public ChannelSubscription Join(Session session, string channel, MessageFilter? filter = null)
    {
        ChannelFeed feed;
        ChannelSubscription subscription;
        var started = false;
        lock (_lock)
        {
            if (!_feeds.TryGetValue(channel, out feed!))
            {
                feed = new ChannelFeed(LogFor(channel), this);
                _feeds[channel] = feed;
                started = true;
            }

            // Added under the registry lock, so the feed cannot be dropped between lookup and add.
            subscription = feed.Add(session, filter);
        }

        if (started)
            _ = feed.StartAsync();
        return subscription;
    }

    /// <summary>
    /// Makes a joined subscription live once its feed is ready, answering the request with <paramref name="ack"/> (null:
    /// no answer on success) through the feed so the ack, any recovered history and live messages reach the session in
    /// order. On failure the subscription is released.
    /// </summary>
    public async Task ActivateAsync(ChannelSubscription subscription, RecoveryPosition? since, AckWriter? ack)
    {
        var feed = subscription.Feed;
        try
        {
            await feed.Ready;
            await feed.ActivateAsync(subscription, since, ack);
        }
        catch
        {
            Release(subscription);
            throw;
        }

        feed.ScheduleReport();
    }

    /// <summary>Removes a subscription; the feed's stream subscription is dropped with its last subscriber.</summary>
    public void Release(ChannelSubscription subscription)
    {
        if (!subscription.TryRelease())
            return;

        var feed = subscription.Feed;
        var stop = false;
        lock (_lock)
        {
            if (feed.Remove(subscription) == 0 && _feeds.TryGetValue(feed.Channel, out var current) && ReferenceEquals(current, feed))
            {
                _feeds.Remove(feed.Channel);
                stop = true;
            }
        }

        if (stop)
            _ = feed.StopAsync();
        else
            feed.ScheduleReport();
    }

    /// <summary>The log a new feed follows: the channel of that name.</summary>
    protected virtual IFeedLog LogFor(string name) => new ChannelFeedLog(name, Cluster);

    /// <summary>Re-reports every feed's count, renewing this gateway's lease on the channels' subscriber tables.</summary>
    public void RefreshReports()
    {
        foreach (var feed in Snapshot())
            feed.ScheduleReport();
    }

    /// <summary>Audits every feed that has been quiet for <paramref name="quiet"/> (see <see cref="ChannelFeed.AuditAsync"/>).</summary>
    public async Task AuditAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        var now = Time.GetTimestamp();
        foreach (var feed in Snapshot())
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await feed.AuditAsync(now, quiet);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Metrics.Dropped("audit_failed");
                LogAuditFailed(Logger, ex, feed.Channel);
            }
        }
    }

    /// <summary>Gives every feed a fresh stream subscription and catches it up from history.</summary>
    public async Task ResubscribeAllAsync()
    {
        foreach (var feed in Snapshot())
        {
            try
            {
                await feed.ResubscribeAsync();
            }
            catch (Exception ex)
            {
                // The periodic audit retries: a feed that stays behind resubscribes when it finds the gap.
                LogResubscribeFailed(Logger, ex, feed.Channel);
            }
        }
    }

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "Channel '{Channel}': subscribing to the stream again failed")]
    private static partial void LogResubscribeFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Debug, Message = "Channel '{Channel}': audit failed")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception, string channel);
}
