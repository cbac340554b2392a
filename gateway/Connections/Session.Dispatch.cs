using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>A <c>history</c> frame without <c>limit</c> reads this many messages.</summary>
    public const int DefaultHistoryLimit = 100;

    /// <summary>
    /// Handles one received transport message: a frame or a batch of frames, answered in order. Success is answered
    /// only to frames that carry an <c>id</c> (a frame without one is fire-and-forget); errors are always answered. Frames of one
    /// connection are handled one at a time, so a client's publishes to a channel get offsets in the order it sent them.
    /// </summary>
    public async ValueTask HandleAsync(ReadOnlyMemory<byte> utf8)
    {
        Touch();
        if (CloseReason is not null)
            return;

        _parsed.Clear();
        if (!ClientFrameParser.TryParse(utf8, _parsed, out var error))
        {
            BadFrame(default, error!);
            return;
        }

        foreach (var frame in _parsed)
            await DispatchAsync(frame);
    }

    /// <summary>Answers a received message the transport could not even hand over as a frame (e.g. a binary frame).</summary>
    public void Reject(string message)
    {
        Touch();
        BadFrame(default, message);
    }

    private async ValueTask DispatchAsync(ClientFrame frame)
    {
        if (frame.Error is { } error)
        {
            BadFrame(frame.Id, error);
            return;
        }

        try
        {
            switch (frame.Type)
            {
                case ClientFrameType.Ping:
                    Send(FrameWriter.Pong(frame.Id));
                    break;
                case ClientFrameType.Pong:
                    break;
                case ClientFrameType.Subscribe:
                    await SubscribeAsync(frame);
                    break;
                case ClientFrameType.Unsubscribe:
                    Unsubscribe(frame);
                    break;
                case ClientFrameType.Publish:
                    await PublishAsync(frame);
                    break;
                case ClientFrameType.History:
                    await HistoryAsync(frame);
                    break;
                default:
                    throw ProtocolException.BadRequest($"frame type '{frame.TypeName}' is not supported by this gateway yet");
            }
        }
        catch (ProtocolException ex)
        {
            if (ex.Code == ErrorCode.BadRequest)
                BadFrame(frame.Id, ex.Message);
            else
                SendError(frame.Id, ex.Code, ex.Message);
        }
        catch (Exception ex)
        {
            LogFrameFailed(_services.Logger, ex, ConnectionId, frame.TypeName);
            SendError(frame.Id, ErrorCode.Internal, "internal error");
        }
    }

    private async ValueTask SubscribeAsync(ClientFrame frame)
    {
        if (frame.Pattern is not null || frame.Stream is not null)
            throw ProtocolException.BadRequest("pattern and stream subscriptions are not supported by this gateway yet");
        var channel = RequireChannel(frame.Channel);

        lock (_subscriptions)
        {
            if (_subscriptions.ContainsKey(channel))
                throw ProtocolException.BadRequest($"already subscribed to '{channel}'; unsubscribe first to resubscribe with 'since'");
            if (_subscriptions.Count >= _services.Limits.MaxSubscriptionsPerConnection)
                throw new ProtocolException(ErrorCode.LimitExceeded, $"at most {_services.Limits.MaxSubscriptionsPerConnection} subscriptions per connection");
        }

        var since = frame.HasSince ? new RecoveryPosition(frame.SinceOffset, frame.SinceEpoch) : (RecoveryPosition?)null;
        var subscription = await _services.Feeds.SubscribeAsync(this, channel, since, frame.Id);

        var keep = false;
        lock (_subscriptions)
        {
            // The connection may have closed while the feed was starting; DisposeAsync has then already run.
            if (Volatile.Read(ref _disposed) == 0)
            {
                _subscriptions[channel] = subscription;
                keep = true;
            }
        }

        if (!keep)
            _services.Feeds.Release(subscription);
    }

    private void Unsubscribe(ClientFrame frame)
    {
        var channel = RequireChannel(frame.Channel);
        ChannelSubscription? subscription;
        lock (_subscriptions)
        {
            if (_subscriptions.Remove(channel, out subscription) is false)
                subscription = null;
        }

        if (subscription is not null)
            _services.Feeds.Release(subscription);

        // Unsubscribing from a channel one is not subscribed to is not an error: the end state is what was asked.
        if (frame.HasId)
            Send(FrameWriter.ChannelAck(frame.Id, channel));
    }

    private async ValueTask PublishAsync(ClientFrame frame)
    {
        var channel = RequireChannel(frame.Channel);
        if (!frame.HasData)
            throw ProtocolException.BadRequest("missing field 'data'");

        var position = await _services.Cluster.PublishAsync(channel, new PublishRequest(frame.Data.ToArray(), UserId, frame.Priority));
        _services.Metrics.Published();
        if (frame.HasId)
            Send(FrameWriter.PublishAck(frame.Id, channel, position));
    }

    private async ValueTask HistoryAsync(ClientFrame frame)
    {
        var channel = RequireChannel(frame.Channel);
        var query = new HistoryQuery(frame.HasSince ? frame.SinceOffset : 0, frame.SinceEpoch, frame.Limit ?? DefaultHistoryLimit);
        var page = await _services.Cluster.ReadHistoryAsync(channel, query);
        if (frame.HasId)
            Send(FrameWriter.HistoryAck(frame.Id, channel, page));
    }

    private static string RequireChannel(string? channel)
    {
        if (channel is null)
            throw ProtocolException.BadRequest("missing field 'channel'");
        if (!ChannelName.IsValid(channel))
        {
            throw ProtocolException.BadRequest(channel.AsSpan().IndexOfAny('*', '>') >= 0
                ? $"invalid channel name '{Truncate(channel)}': '*' and '>' are pattern wildcards, subscribed with 'pattern' (not supported by this gateway yet)"
                : $"invalid channel name '{Truncate(channel)}'");
        }
        return channel;
    }

    private void BadFrame(ReadOnlyMemory<byte> id, string message)
    {
        LogBadFrame(_services.Logger, ConnectionId, message);
        SendError(id, ErrorCode.BadRequest, message);
    }

    private void SendError(ReadOnlyMemory<byte> id, ErrorCode code, string message)
    {
        _services.Metrics.Error(code);
        Send(FrameWriter.Error(id, code, message));
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}
