using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>Pattern subscriptions of this connection. Guarded by <see cref="_extras"/>.</summary>
    private readonly Dictionary<string, PatternSubscription> _patterns = new(StringComparer.Ordinal);

    /// <summary>
    /// Subscribes to every channel matching a pattern (<c>metrics.*</c>, <c>metrics.&gt;</c>). Each subscription gets
    /// each matching publication once, as a <c>message</c> frame that names the pattern; a connection that also
    /// subscribes to the exact channel (or to another matching pattern) gets it once per subscription.
    /// </summary>
    private async ValueTask SubscribePatternAsync(ClientFrame frame, bool answer)
    {
        var pattern = RequirePattern(frame.Pattern);
        if (frame.HasSince)
            throw ProtocolException.BadRequest("'since' is not supported with a pattern: recover each channel with its own subscription");
        AuthorizeSubscribe(pattern);
        if (await SubscribePatternAsync(pattern, MessageFilter.Parse(frame.Filter), byServer: false) && answer)
            Send(FrameWriter.PatternAck(frame.Id, pattern));
    }

    /// <summary>
    /// Subscribes this connection to a pattern under its limits (the core of a <c>subscribe</c> frame and of a
    /// server-side subscription); false when the connection closed meanwhile.
    /// </summary>
    private async ValueTask<bool> SubscribePatternAsync(string pattern, MessageFilter? filter, bool byServer)
    {
        PatternSubscription subscription;
        lock (_extras)
        {
            if (_patterns.ContainsKey(pattern))
                throw ProtocolException.BadRequest($"already subscribed to pattern '{pattern}'");
            if (SubscriptionCount() >= _services.Limits.MaxSubscriptionsPerConnection)
                throw new ProtocolException(ErrorCode.LimitExceeded, $"at most {_services.Limits.MaxSubscriptionsPerConnection} subscriptions per connection");
            if (Volatile.Read(ref _disposed) != 0)
                return false;

            subscription = _services.Patterns.Join(this, pattern, filter);
            subscription.ByServer = byServer;
            _patterns[pattern] = subscription;
        }

        try
        {
            await _services.Patterns.ActivateAsync(subscription);
        }
        catch
        {
            lock (_extras)
            {
                if (_patterns.TryGetValue(pattern, out var current) && ReferenceEquals(current, subscription))
                    _patterns.Remove(pattern);
            }

            throw;
        }

        return true;
    }

    private void UnsubscribePattern(ClientFrame frame, bool answer)
    {
        var pattern = RequirePattern(frame.Pattern);
        PatternSubscription? subscription;
        lock (_extras)
            _patterns.Remove(pattern, out subscription);
        if (subscription is not null)
            _services.Patterns.Release(subscription);
        if (answer)
            Send(FrameWriter.PatternAck(frame.Id, pattern));
    }

    /// <summary>Whether this connection's user may subscribe to a pattern: a <c>channels</c> grant must cover all it matches.</summary>
    private void AuthorizeSubscribe(string pattern) => Authorize(RequireIdentity().Grants.CanSubscribe(pattern), "subscribe to", pattern);

    internal static string RequirePattern(string? pattern)
    {
        if (pattern is null)
            throw ProtocolException.BadRequest("missing field 'pattern'");
        if (!ChannelPattern.IsValid(pattern) || pattern.AsSpan().IndexOfAny('*', '>') < 0)
            throw ProtocolException.BadRequest($"invalid pattern '{Truncate(pattern)}': '*' matches one whole segment, '>' one or more as the last segment");
        return pattern;
    }
}
