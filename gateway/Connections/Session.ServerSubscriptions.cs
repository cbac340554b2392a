using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>
    /// Subscribes this connection because the server asked (<c>POST /api/subscriptions</c>), through the very code of a
    /// <c>subscribe</c> frame: the user's <c>channels</c> grant, the subscription limit, the filter, <c>since</c>
    /// recovery and delivery are the same. The client is told with a <c>subscribed</c> frame that precedes any
    /// recovered or live message. Runs between the client's own frames, never during one. Throws the protocol error
    /// that refuses it.
    /// </summary>
    public async Task<SubscriptionSummary> SubscribeByServerAsync(SubscriptionRequest request)
    {
        await _dispatch.WaitAsync();
        try
        {
            RequireOpen();
            var identity = Identity ?? throw new ProtocolException(ErrorCode.BadRequest, "the connection has not authenticated yet");
            var filter = request.Filter is null ? null : MessageFilter.Parse(System.Text.Encoding.UTF8.GetBytes(request.Filter));
            if (request.Channel is { } channel)
            {
                RequireChannel(channel);
                Authorize(identity.Grants.CanSubscribe(channel), "subscribe to", channel);
                var id = SubscriptionId.ForChannel(ConnectionId, channel);
                SubscriptionPosition? live = null;
                var since = request.Since is { } from ? new RecoveryPosition(from.Offset, from.Epoch) : (RecoveryPosition?)null;
                await SubscribeChannelAsync(channel, filter, since, (position, recovered) =>
                {
                    live = new SubscriptionPosition(position.Offset, position.Epoch, recovered);
                    return FrameWriter.Subscribed(id, channel, pattern: null, position, recovered, filter?.Json);
                }, byServer: true);

                // The ack writer runs once the subscription is live; not at all when the connection closed meanwhile.
                return live is null ? throw Gone() : Describe(id, channel, pattern: null, filter, byServer: true) with { Position = live };
            }

            var pattern = RequirePattern(request.Pattern);
            if (request.Since is not null)
                throw ProtocolException.BadRequest("'since' is not supported with a pattern: recover each channel with its own subscription");
            AuthorizeSubscribe(pattern);
            if (!await SubscribePatternAsync(pattern, filter, byServer: true))
                throw Gone();
            var patternId = SubscriptionId.ForPattern(ConnectionId, pattern);
            Send(FrameWriter.Subscribed(patternId, channel: null, pattern, position: null, recovered: null, filter?.Json));
            return Describe(patternId, channel: null, pattern, filter, byServer: true);
        }
        finally
        {
            _dispatch.Release();
        }
    }

    /// <summary>Every channel and pattern subscription of this connection (live or still starting), client-made and server-made.</summary>
    public IReadOnlyList<SubscriptionSummary> Subscriptions()
    {
        var list = new List<SubscriptionSummary>();
        lock (_subscriptions)
        {
            foreach (var (channel, subscription) in _subscriptions)
                list.Add(Describe(SubscriptionId.ForChannel(ConnectionId, channel), channel, pattern: null, subscription.Filter, subscription.ByServer));
        }

        lock (_extras)
        {
            foreach (var (pattern, subscription) in _patterns)
                list.Add(Describe(SubscriptionId.ForPattern(ConnectionId, pattern), channel: null, pattern, subscription.Filter, subscription.ByServer));
        }

        list.Sort(static (a, b) => string.CompareOrdinal(a.Channel ?? a.Pattern, b.Channel ?? b.Pattern));
        return list;
    }

    /// <summary>
    /// Removes one subscription because the server asked (<c>DELETE /api/subscriptions/{id}</c>), whoever made it, and
    /// tells the client with an <c>unsubscribed</c> frame; nothing of it is queued after that frame. Null when this
    /// connection has no such subscription.
    /// </summary>
    public async Task<SubscriptionSummary?> UnsubscribeByServerAsync(SubscriptionKind kind, string name)
    {
        await _dispatch.WaitAsync();
        try
        {
            RequireOpen();
            if (kind == SubscriptionKind.Channel)
            {
                ChannelSubscription? subscription;
                lock (_subscriptions)
                    _subscriptions.Remove(name, out subscription);
                if (subscription is null)
                    return null;
                _services.Feeds.Release(subscription);
                var id = SubscriptionId.ForChannel(ConnectionId, name);
                Send(FrameWriter.Unsubscribed(id, name, pattern: null));
                return Describe(id, name, pattern: null, subscription.Filter, subscription.ByServer);
            }

            PatternSubscription? patternSubscription;
            lock (_extras)
                _patterns.Remove(name, out patternSubscription);
            if (patternSubscription is null)
                return null;
            _services.Patterns.Release(patternSubscription);
            var patternId = SubscriptionId.ForPattern(ConnectionId, name);
            Send(FrameWriter.Unsubscribed(patternId, channel: null, name));
            return Describe(patternId, channel: null, name, patternSubscription.Filter, patternSubscription.ByServer);
        }
        finally
        {
            _dispatch.Release();
        }
    }

    /// <summary>Whether this connection subscribes to this channel or pattern (a server-side subscription to it would conflict).</summary>
    public bool HasSubscription(string channelOrPattern)
    {
        lock (_subscriptions)
        {
            if (_subscriptions.ContainsKey(channelOrPattern))
                return true;
        }

        lock (_extras)
            return _patterns.ContainsKey(channelOrPattern);
    }

    private void RequireOpen()
    {
        if (CloseReason is not null)
            throw Gone();
    }

    private static ProtocolException Gone() => new(ErrorCode.NotFound, "the connection is closing");

    private SubscriptionSummary Describe(string id, string? channel, string? pattern, MessageFilter? filter, bool byServer) =>
        new(id, ConnectionId, _services.Gateway.GatewayId, channel, pattern, filter?.Json, byServer);
}
