using System.Diagnostics.Metrics;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// Observable gauges read from the objects that own the numbers, when a reader collects (a scrape, a JSON
/// snapshot): channel feeds, subscriptions, and the send-queue depth summed over every live session.
/// </summary>
/// <remarks>Separate from <see cref="RealtimeMetrics"/>, which the registries themselves depend on.</remarks>
internal sealed class RealtimeGauges
{
    public const string Feeds = "realtime.feeds";
    public const string Subscriptions = "realtime.subscriptions";
    public const string QueuedFrames = "realtime.send_queue.frames";
    public const string QueuedBytes = "realtime.send_queue.bytes";

    public RealtimeGauges(RealtimeMetrics metrics, SessionRegistry sessions, ChannelFeedRegistry feeds)
    {
        // The meter factory hands out one meter per name, so these join RealtimeMetrics' instruments.
        var meter = metrics.Meter;
        meter.CreateObservableGauge(Feeds, () => feeds.Snapshot().Length, "{feed}",
            "Channels this gateway holds a stream subscription for (one per channel with local subscribers)");
        meter.CreateObservableGauge(Subscriptions, () => CountSubscriptions(feeds), "{subscription}",
            "Channel subscriptions of this gateway's connections");
        meter.CreateObservableGauge(QueuedFrames, () => SumQueues(sessions, bytes: false), "{frame}",
            "Frames waiting in send queues, summed over this gateway's connections");
        meter.CreateObservableGauge(QueuedBytes, () => SumQueues(sessions, bytes: true), "By",
            "Bytes waiting in send queues, summed over this gateway's connections");
    }

    private static long CountSubscriptions(ChannelFeedRegistry feeds)
    {
        long count = 0;
        foreach (var feed in feeds.Snapshot())
            count += feed.SubscriberCount;
        return count;
    }

    private static long SumQueues(SessionRegistry sessions, bool bytes)
    {
        long sum = 0;
        foreach (var session in sessions.All)
            sum += bytes ? session.Outbound.Bytes : session.Outbound.Count;
        return sum;
    }
}
