using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// One session's subscription to one channel feed. While it recovers (<see cref="Pending"/> is non-null), live frames
/// are parked in <see cref="Pending"/> so they can be merged behind the replayed history without gap or duplicate.
/// Guarded by the feed's lock.
/// </summary>
internal sealed class ChannelSubscription(ChannelFeed feed, Session session)
{
    public ChannelFeed Feed { get; } = feed;

    public Session Session { get; } = session;

    /// <summary>Live frames that arrived while the subscription was being set up; null once live.</summary>
    public List<EncodedFrame>? Pending { get; set; } = [];

    /// <summary>
    /// Where <see cref="Pending"/> starts after it overflowed: the offset of the first frame it kept. Zero while it holds
    /// every live frame since the subscription was added. Recovery reads the offsets below it from history, so a slow
    /// recovery costs history reads, not the connection.
    /// </summary>
    public long PendingFrom { get; set; }

    /// <summary>
    /// The highest offset this subscription has already been sent through recovery; live frames at or below it are
    /// skipped. History can run ahead of the feed, so without it a recovered client would see those offsets twice.
    /// </summary>
    public long DeliveredUpTo { get; set; }

    /// <summary>
    /// Where a client that reconnects would resume this subscription: set when it goes live (the ack's seam), then
    /// advanced by transports that hand out resume tokens as they write its messages. Null while pending.
    /// </summary>
    public RecoveryPosition? Position { get; set; }

    /// <summary>Made by the server for the connection (<c>POST /api/subscriptions</c>) rather than by its client.</summary>
    public bool ByServer { get; set; }

    /// <summary>The subscription's <c>filter</c>; null delivers every message.</summary>
    public MessageFilter? Filter { get; init; }

    /// <summary>True when the message passes the subscription's filter.</summary>
    public bool Accepts(OrleansRealtime.Channels.ChannelMessage message) => Filter is null || Filter.Matches(message.Data);

    private int _released;

    /// <summary>True the first time only: a subscription is released once, whoever gets there first.</summary>
    public bool TryRelease() => Interlocked.Exchange(ref _released, 1) == 0;
}
