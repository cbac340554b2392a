using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Hosting;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// The pattern feeds of this gateway: a feed (one stream subscription and one registration in the cluster's pattern
/// registry) exists while at least one local session subscribes to its pattern.
/// </summary>
internal sealed partial class PatternFeedRegistry(
    ClusterAccess cluster,
    IOptions<GatewayOptions> gateway,
    RealtimeMetrics metrics,
    TimeProvider time,
    ILogger<PatternFeed> logger)
{
    private readonly Dictionary<string, PatternFeed> _feeds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ClusterAccess Cluster { get; } = cluster;

    public string GatewayId { get; } = gateway.Value.GatewayId;

    public RealtimeMetrics Metrics { get; } = metrics;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    /// <summary>Joins (or starts) the pattern's feed; the subscription receives nothing until <see cref="ActivateAsync"/>.</summary>
    public PatternSubscription Join(Session session, string pattern, MessageFilter? filter)
    {
        PatternFeed feed;
        PatternSubscription subscription;
        var started = false;
        lock (_lock)
        {
            if (!_feeds.TryGetValue(pattern, out feed!))
            {
                _feeds[pattern] = feed = new PatternFeed(pattern, this);
                started = true;
            }

            subscription = feed.Add(session, filter);
        }

        if (started)
            _ = feed.StartAsync();
        return subscription;
    }

    /// <summary>Makes a subscription live once its feed is ready; on failure it is released and the error rethrown.</summary>
    public async Task ActivateAsync(PatternSubscription subscription)
    {
        try
        {
            await subscription.Feed.Ready;
            subscription.Feed.Activate(subscription);
        }
        catch
        {
            Release(subscription);
            throw;
        }
    }

    public void Release(PatternSubscription subscription)
    {
        if (!subscription.TryRelease())
            return;

        var feed = subscription.Feed;
        var stop = false;
        lock (_lock)
        {
            if (feed.Remove(subscription) == 0 && _feeds.TryGetValue(feed.Pattern, out var current) && ReferenceEquals(current, feed))
            {
                _feeds.Remove(feed.Pattern);
                stop = true;
            }
        }

        if (stop)
            _ = feed.StopAsync();
    }

    /// <summary>Renews this gateway's registration of every pattern in use, well within the registry's lease.</summary>
    public async Task RenewAllAsync()
    {
        PatternFeed[] feeds;
        lock (_lock)
            feeds = [.. _feeds.Values];

        foreach (var feed in feeds)
        {
            try
            {
                await feed.RenewAsync();
            }
            catch (Exception ex)
            {
                LogRenewFailed(Logger, ex, feed.Pattern);
            }
        }
    }

    [LoggerMessage(EventId = 1233, Level = LogLevel.Warning, Message = "Pattern '{Pattern}': renewing the registration failed")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string pattern);
}
