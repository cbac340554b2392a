using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>Durable streams this connection follows live, by stream id. Guarded by <see cref="_extras"/>.</summary>
    private readonly Dictionary<string, ChannelSubscription> _streams = new(StringComparer.Ordinal);

    /// <summary>
    /// Follows a durable stream live (<c>{"type":"subscribe","stream":"analytics"}</c>): every event written after the
    /// ack's offset arrives as an <c>event</c> frame, in offset order. With <c>since</c>, the events after it are read
    /// from the stream's store first, exactly like a channel's recovery; a <c>since</c> of another epoch (another
    /// incarnation of the stream) is not recovered.
    /// </summary>
    private async ValueTask SubscribeStreamAsync(ClientFrame frame, bool answer)
    {
        var stream = RequireStream(frame);
        Authorize(RequireIdentity().Grants.CanFollowStream(stream), "subscribe to stream", stream);
        var filter = MessageFilter.Parse(frame.Filter);

        // An unknown stream is not_found, also while this gateway still has a feed for a deleted one.
        var now = await _services.Cluster.StreamPositionAsync(stream);

        ChannelSubscription subscription;
        lock (_extras)
        {
            if (_streams.ContainsKey(stream))
                throw ProtocolException.BadRequest($"already subscribed to stream '{stream}'; unsubscribe first to resubscribe with 'since'");
            if (SubscriptionCount() >= _services.Limits.MaxSubscriptionsPerConnection)
                throw new ProtocolException(ErrorCode.LimitExceeded, $"at most {_services.Limits.MaxSubscriptionsPerConnection} subscriptions per connection");
            if (Volatile.Read(ref _disposed) != 0)
                return;

            // Recorded while still pending, before the ack can be written: a resume token written after the ack must
            // already name this subscription.
            subscription = _services.Streams.Join(this, stream, filter);
            _streams[stream] = subscription;
        }

        var since = frame.HasSince ? new RecoveryPosition(frame.SinceOffset, frame.SinceEpoch) : (RecoveryPosition?)null;
        var id = frame.Id;
        try
        {
            await _services.Streams.ActivateAsync(subscription, since, now.Epoch, answer ? (position, recovered) => FrameWriter.StreamAck(id, stream, position, recovered) : null);
        }
        catch
        {
            lock (_extras)
            {
                if (_streams.TryGetValue(stream, out var current) && ReferenceEquals(current, subscription))
                    _streams.Remove(stream);
            }

            throw;
        }
    }

    /// <summary>Stops following a stream (not following it is no error: the end state is what was asked).</summary>
    private void UnsubscribeStream(ClientFrame frame, bool answer)
    {
        var stream = RequireStream(frame);
        ChannelSubscription? subscription;
        lock (_extras)
            _streams.Remove(stream, out subscription);
        if (subscription is not null)
            _services.Streams.Release(subscription);
        if (answer)
            Send(FrameWriter.StreamUnsubscribeAck(frame.Id, stream));
    }

    /// <summary>Releases every stream subscription; the connection is going away.</summary>
    private void ReleaseStreams()
    {
        ChannelSubscription[] subscriptions;
        lock (_extras)
        {
            subscriptions = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (var subscription in subscriptions)
            _services.Streams.Release(subscription);
    }

    /// <summary>The streams this connection follows (live or still starting), in no particular order.</summary>
    public IReadOnlyList<string> Streams()
    {
        lock (_extras)
            return [.. _streams.Keys];
    }

    /// <summary>A written <c>event</c> frame advances its stream subscription's resume position (see <see cref="Written"/>).</summary>
    private void StreamWritten(EncodedFrame frame)
    {
        lock (_extras)
            Advance(_streams, frame);
    }

    /// <summary>The resume positions of the live stream subscriptions, for <see cref="CreateResumeToken"/>.</summary>
    private List<KeyValuePair<string, RecoveryPosition>> StreamPositions()
    {
        lock (_extras)
            return Positions(_streams);
    }

    /// <summary>A stream frame names its stream, and nothing else to subscribe to: a valid stream id.</summary>
    private static string RequireStream(ClientFrame frame)
    {
        if (frame.Channel is not null || frame.Pattern is not null)
            throw ProtocolException.BadRequest("a frame names one of 'channel', 'pattern' or 'stream', not several");
        var stream = frame.Stream!;
        if (!ChannelName.IsValid(stream))
            throw ProtocolException.BadRequest($"invalid stream name '{Truncate(stream)}'");
        return stream;
    }
}
