using OrleansRealtime.Gateway.Connections;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>One session's subscription to a pattern feed; it receives nothing until it is live (acknowledged).</summary>
internal sealed class PatternSubscription(PatternFeed feed, Session session, MessageFilter? filter)
{
    private int _released;

    public PatternFeed Feed { get; } = feed;

    public Session Session { get; } = session;

    public MessageFilter? Filter { get; } = filter;

    /// <summary>Made by the server for the connection (<c>POST /api/subscriptions</c>) rather than by its client.</summary>
    public bool ByServer { get; set; }

    /// <summary>Set under the feed's lock when the subscription is acknowledged.</summary>
    public bool Live { get; set; }

    /// <summary>True the first time only: a subscription is released once, whoever gets there first.</summary>
    public bool TryRelease() => Interlocked.Exchange(ref _released, 1) == 0;
}
