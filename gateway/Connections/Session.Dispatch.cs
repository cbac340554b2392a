using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>Slots for publications in flight (<see cref="LimitsOptions.MaxPublishesInFlight"/>); made on the first publish.</summary>
    private SemaphoreSlim? _publishSlots;

    /// <summary>A <c>history</c> frame without <c>limit</c> reads this many messages.</summary>
    public const int DefaultHistoryLimit = 100;

    /// <summary>
    /// Handles one received transport message: a frame or a batch of frames, answered in order. Success is answered
    /// only to frames that carry an <c>id</c> (a frame without one is fire-and-forget); errors are always answered.
    /// Frames of one connection are handled one at a time, whichever transport request carried them; a publication is
    /// handed to the channel's batcher in that order and answered when the grain has it, without holding up the frames
    /// after it, so a client's publishes to a channel get offsets in the order it sent them.
    /// </summary>
    public async ValueTask HandleAsync(ReadOnlyMemory<byte> utf8)
    {
        await _dispatch.WaitAsync();
        try
        {
            await HandleCoreAsync(utf8);
        }
        finally
        {
            _dispatch.Release();
        }
    }

    /// <summary>
    /// Handles one frame as an invocation (SignalR): the answer (an <c>ack</c>, <c>pong</c> or <c>error</c>) is
    /// returned instead of queued, and success is answered whether or not the frame carries an <c>id</c>.
    /// </summary>
    public async ValueTask<EncodedFrame> InvokeAsync(ReadOnlyMemory<byte> utf8)
    {
        var answer = new TaskCompletionSource<EncodedFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _dispatch.WaitAsync();
        try
        {
            Volatile.Write(ref _answer, answer);
            await HandleCoreAsync(utf8);
        }
        finally
        {
            Volatile.Write(ref _answer, null);
            _dispatch.Release();
        }

        return answer.Task.IsCompleted
            ? answer.Task.Result
            : FrameWriter.Error(default, ErrorCode.Unavailable, "the connection is closing");
    }

    /// <summary>
    /// Subscribes the channels a transport was asked for when the connection opened (SSE's <c>?subscribe=</c>) and
    /// the channels and streams a resume token names, each answered with an <c>ack</c> (or an <c>error</c> naming it).
    /// A subscription with a resume position recovers from it, exactly like <c>subscribe</c> with <c>since</c>, and a
    /// channel with the filter the token kept for it.
    /// </summary>
    public async Task SubscribeOnOpenAsync(IReadOnlyList<string> channels, ResumePositions positions)
    {
        var resume = positions.Channels;
        // Long polling answers its welcome outside the frame stream and never calls Welcome: the user starts here.
        StartUser();
        await _dispatch.WaitAsync();
        try
        {
            foreach (var channel in channels.Concat(resume.Keys.Where(c => !channels.Contains(c, StringComparer.Ordinal))).Distinct(StringComparer.Ordinal))
            {
                var frame = new ClientFrame { Type = ClientFrameType.Subscribe, TypeName = "subscribe", Channel = channel };
                if (resume.TryGetValue(channel, out var position))
                {
                    frame.HasSince = true;
                    frame.SinceOffset = position.Offset;
                    frame.SinceEpoch = position.Epoch;
                }

                if (positions.Filters.TryGetValue(channel, out var filter))
                    frame.Filter = System.Text.Encoding.UTF8.GetBytes(filter);

                await DispatchAsync(frame, answer: true);
            }

            foreach (var (stream, position) in positions.Streams)
            {
                var frame = new ClientFrame
                {
                    Type = ClientFrameType.Subscribe, TypeName = "subscribe", Stream = stream,
                    HasSince = true, SinceOffset = position.Offset, SinceEpoch = position.Epoch,
                };
                await DispatchAsync(frame, answer: true);
            }
        }
        finally
        {
            _dispatch.Release();
        }
    }

    /// <summary>Answers a received message the transport could not even hand over as a frame (e.g. a binary frame).</summary>
    public void Reject(string message)
    {
        Touch();
        BadFrame(default, message);
    }

    private async ValueTask HandleCoreAsync(ReadOnlyMemory<byte> utf8)
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

        var answerAll = Volatile.Read(ref _answer) is not null;
        foreach (var frame in _parsed)
        {
            _services.Metrics.FrameReceived(Transport);
            if (CloseReason is not null)
                return;
            if (frame.Error is null && !await AdmitAsync(frame))
                continue;
            await DispatchAsync(frame, answerAll || frame.HasId);
        }
    }

    private async ValueTask DispatchAsync(ClientFrame frame, bool answer)
    {
        if (frame.Error is { } error)
        {
            BadFrame(frame.Id, error);
            return;
        }

        try
        {
            if (frame.Type is not (ClientFrameType.Auth or ClientFrameType.Ping or ClientFrameType.Pong))
                RequireIdentity();

            switch (frame.Type)
            {
                case ClientFrameType.Auth:
                    await AuthenticateAsync(frame, answer);
                    break;
                case ClientFrameType.Ping:
                    Send(FrameWriter.Pong(frame.Id));
                    break;
                case ClientFrameType.Pong:
                    break;
                case ClientFrameType.Subscribe:
                    await SubscribeAsync(frame, answer);
                    break;
                case ClientFrameType.Unsubscribe:
                    Unsubscribe(frame, answer);
                    break;
                case ClientFrameType.Publish:
                    await PublishAsync(frame, answer);
                    break;
                case ClientFrameType.History:
                    await HistoryAsync(frame, answer);
                    break;
                case ClientFrameType.Join:
                    await JoinAsync(frame, answer);
                    break;
                case ClientFrameType.Leave:
                    await LeaveAsync(frame, answer);
                    break;
                case ClientFrameType.RoomSend:
                    await SendToRoomAsync(frame, answer);
                    break;
                case ClientFrameType.Direct:
                    await SendDirectAsync(frame, answer);
                    break;
                case ClientFrameType.PresenceSet:
                    await SetPresenceAsync(frame, answer);
                    break;
                case ClientFrameType.PresenceGet:
                    await GetPresenceAsync(frame, answer);
                    break;
                default:
                    throw ProtocolException.BadRequest($"frame type '{frame.TypeName}' is not supported by this gateway yet");
            }
        }
        catch (Exception ex)
        {
            Fail(frame.Id, frame.TypeName, ex);
        }
    }

    /// <summary>
    /// Answers a frame that failed: a protocol error as itself, anything else as <c>internal</c> (logged). A bad
    /// request counts as a strike against the connection only when found while dispatching (<paramref name="strike"/>):
    /// the abuse bucket is the dispatch loop's alone, and a publication the cluster refuses later was no malformed frame.
    /// </summary>
    private void Fail(ReadOnlyMemory<byte> id, string? typeName, Exception exception, bool strike = true)
    {
        if (exception is ProtocolException protocol)
        {
            if (protocol.Code == ErrorCode.BadRequest && strike)
                BadFrame(id, protocol.Message);
            else
                SendError(id, protocol.Code, protocol.Message);
            return;
        }

        LogFrameFailed(_services.Logger, exception, ConnectionId, typeName);
        SendError(id, ErrorCode.Internal, "internal error");
    }

    private async ValueTask SubscribeAsync(ClientFrame frame, bool answer)
    {
        if (frame.Stream is not null)
        {
            await SubscribeStreamAsync(frame, answer);
            return;
        }

        if (frame.Pattern is not null)
        {
            await SubscribePatternAsync(frame, answer);
            return;
        }

        var channel = RequireChannel(frame.Channel);
        Authorize(RequireIdentity().Grants.CanSubscribe(channel), "subscribe to", channel);
        var filter = MessageFilter.Parse(frame.Filter);
        var since = frame.HasSince ? new RecoveryPosition(frame.SinceOffset, frame.SinceEpoch) : (RecoveryPosition?)null;
        await SubscribeChannelAsync(channel, filter, since, answer ? (position, recovered) => FrameWriter.SubscribeAck(frame.Id, channel, position, recovered) : null, byServer: false);
    }

    /// <summary>
    /// Subscribes this connection to a channel under its limits (the core of a <c>subscribe</c> frame and of a server-side
    /// subscription); <paramref name="ack"/> writes the answer that precedes any recovered and live message.
    /// </summary>
    private async ValueTask SubscribeChannelAsync(string channel, MessageFilter? filter, RecoveryPosition? since, AckWriter? ack, bool byServer)
    {
        ChannelSubscription subscription;
        lock (_subscriptions)
        {
            if (_subscriptions.ContainsKey(channel))
                throw ProtocolException.BadRequest($"already subscribed to '{channel}'; unsubscribe first to resubscribe with 'since'");
            if (_subscriptions.Count >= _services.Limits.MaxSubscriptionsPerConnection)
                throw new ProtocolException(ErrorCode.LimitExceeded, $"at most {_services.Limits.MaxSubscriptionsPerConnection} subscriptions per connection");

            // The connection may have closed meanwhile; DisposeAsync has then already released what it held.
            if (Volatile.Read(ref _disposed) != 0)
                return;

            // Recorded while still pending, before the ack can be written: a resume token written after the ack
            // must already name this subscription.
            subscription = _services.Feeds.Join(this, channel, filter);
            subscription.ByServer = byServer;
            _subscriptions[channel] = subscription;
        }

        try
        {
            await _services.Feeds.ActivateAsync(subscription, since, ack);
        }
        catch
        {
            lock (_subscriptions)
            {
                if (_subscriptions.TryGetValue(channel, out var current) && ReferenceEquals(current, subscription))
                    _subscriptions.Remove(channel);
            }

            throw;
        }
    }

    private void Unsubscribe(ClientFrame frame, bool answer)
    {
        if (frame.Stream is not null)
        {
            UnsubscribeStream(frame, answer);
            return;
        }

        if (frame.Pattern is not null)
        {
            UnsubscribePattern(frame, answer);
            return;
        }

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
        if (answer)
            Send(FrameWriter.ChannelAck(frame.Id, channel));
    }

    /// <summary>
    /// Checks a publication (channel, data, grant; the rate limit was applied on admission) and hands it to the
    /// gateway's batcher. A frame stream does not wait for the answer: the next frame is read at once, so one connection
    /// keeps up to <see cref="LimitsOptions.MaxPublishesInFlight"/> publications in flight, and the ack or error follows
    /// when the grain answers. Offsets of one channel still follow the send order, because the batcher keeps arrival
    /// order per channel. An invocation (SignalR) returns its answer, so it waits.
    /// </summary>
    private async ValueTask PublishAsync(ClientFrame frame, bool answer)
    {
        var channel = RequireChannel(frame.Channel);
        if (!frame.HasData)
            throw ProtocolException.BadRequest("missing field 'data'");
        Authorize(RequireIdentity().Grants.CanPublish(channel), "publish to", channel);

        var request = new PublishRequest(frame.Data.ToArray(), UserId, frame.Priority);
        if (Volatile.Read(ref _answer) is not null)
        {
            await PublishCoreAsync(channel, request, frame.Id, answer);
            return;
        }

        // Backpressure: a connection at its limit is not read further until an earlier publication is answered.
        var slots = _publishSlots ??= new SemaphoreSlim(_services.Limits.MaxPublishesInFlight);
        await slots.WaitAsync();
        // The id lives in the received buffer, which the transport reuses once this frame's dispatch returns.
        _ = PublishInFlightAsync(channel, request, frame.Id.ToArray(), frame.TypeName, answer, slots);
    }

    private async Task PublishInFlightAsync(string channel, PublishRequest request, byte[] id, string? typeName, bool answer, SemaphoreSlim slots)
    {
        try
        {
            await PublishCoreAsync(channel, request, id, answer);
        }
        catch (Exception ex)
        {
            Fail(id, typeName, ex, strike: false);
        }
        finally
        {
            slots.Release();
        }
    }

    private async ValueTask PublishCoreAsync(string channel, PublishRequest request, ReadOnlyMemory<byte> id, bool answer)
    {
        var position = await _services.Cluster.PublishAsync(channel, request, Transport);
        _services.Metrics.Published();
        if (answer)
            Send(FrameWriter.PublishAck(id, channel, position));
    }

    private async ValueTask HistoryAsync(ClientFrame frame, bool answer)
    {
        var channel = RequireChannel(frame.Channel);
        Authorize(RequireIdentity().Grants.CanSubscribe(channel), "read the history of", channel);
        var query = new HistoryQuery(frame.HasSince ? frame.SinceOffset : 0, frame.SinceEpoch, frame.Limit ?? DefaultHistoryLimit);
        var page = await _services.Cluster.ReadHistoryAsync(channel, query);
        if (answer)
            Send(FrameWriter.HistoryAck(frame.Id, channel, page));
    }

    internal static string RequireChannel(string? channel)
    {
        if (channel is null)
            throw ProtocolException.BadRequest("missing field 'channel'");
        if (!ChannelName.IsValid(channel))
        {
            throw ProtocolException.BadRequest(channel.AsSpan().IndexOfAny('*', '>') >= 0
                ? $"invalid channel name '{Truncate(channel)}': '*' and '>' are pattern wildcards, subscribed with 'pattern'"
                : $"invalid channel name '{Truncate(channel)}'");
        }
        return channel;
    }

    private void BadFrame(ReadOnlyMemory<byte> id, string message)
    {
        LogBadFrame(_services.Logger, ConnectionId, message);
        SendError(id, ErrorCode.BadRequest, message);
        Strike();
    }

    private void SendError(ReadOnlyMemory<byte> id, ErrorCode code, string message)
    {
        _services.Metrics.Error(code);
        Send(FrameWriter.Error(id, code, message));
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}
