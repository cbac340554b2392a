using Orleans.Streams;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// This gateway's single view of one channel: one Orleans stream subscription whatever the number of local
/// subscribers, the last offset delivered, and the local subscribers. It follows any <see cref="IFeedLog"/>, so a
/// durable stream's feed is the same code with another log.
/// </summary>
/// <remarks>
/// Gap-free by offsets, not by hope: stream events arrive one at a time (the delivery gate also makes that true
/// after a resubscribe), and an event whose offset is not last + 1 is either a duplicate (dropped) or follows a
/// hole, which is filled from the channel's history before the event is delivered. Each publication is encoded once
/// and the same frame goes to every subscriber. Subscriber changes and deliveries share one lock, so a
/// subscription's ack, its replayed history and its live frames interleave correctly.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The delivery gate's wait handle is never used, so it holds nothing to dispose; in-flight deliveries may still release it after stop.")]
internal sealed partial class ChannelFeed : IAsyncObserver<ChannelMessage>
{
    /// <summary>History page size used for gap filling and recovery.</summary>
    public const int PageSize = 1000;

    private readonly ChannelFeedRegistry _registry;
    private readonly List<ChannelSubscription> _subscribers = [];
    private readonly Lock _sync = new();
    private readonly SemaphoreSlim _deliveryGate = new(1, 1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IFeedLog _log;
    private readonly FrameEncoder _encode;
    private FeedStreamHandle? _handle;
    private long _last;
    private long _lastActivity;
    private string _epoch = string.Empty;

    /// <summary>Epochs the feed has moved on from; guarded by the delivery gate.</summary>
    private readonly HashSet<string> _retiredEpochs = new(StringComparer.Ordinal);
    private int _reportDirty;
    private int _reporting;
    private volatile bool _stopped;

    public ChannelFeed(IFeedLog log, ChannelFeedRegistry registry)
    {
        Channel = log.Name;
        _log = log;
        _registry = registry;
        _encode = log.Encoder;
    }

    public string Channel { get; }

    /// <summary>The epoch the feed delivers in (empty until it is ready).</summary>
    public string Epoch
    {
        get
        {
            lock (_sync)
                return _epoch;
        }
    }

    /// <summary>Completes once the stream subscription is in place and the channel's position is known.</summary>
    public Task Ready => _ready.Task;

    public int SubscriberCount
    {
        get
        {
            lock (_sync)
                return _subscribers.Count;
        }
    }

    /// <summary>Subscribes to the channel's stream, then reads the position to deliver from.</summary>
    public async Task StartAsync()
    {
        try
        {
            // Subscribe first, then read the position: anything published in between arrives on the stream with an
            // offset above the position (delivered) or at/below it (dropped as already covered).
            _handle = await _log.SubscribeAsync(this);
            if (_stopped)
            {
                // Every subscriber left while the subscription was being made: it must not outlive the feed.
                await StopAsync();
            }

            var position = await _log.GetPositionAsync();
            lock (_sync)
            {
                _last = position.Offset;
                _epoch = position.Epoch;
            }

            _ready.TrySetResult();
        }
        catch (Exception ex)
        {
            // Subscribers waiting on Ready get the protocol's answer: a cluster that cannot be reached is 'unavailable'.
            _ready.TrySetException(ClusterAccess.AsProtocolError(ex));
            await StopAsync();
        }
    }

    public async Task StopAsync()
    {
        _stopped = true;
        if (Interlocked.Exchange(ref _handle, null) is { } handle)
            await UnsubscribeAsync(handle);

        ScheduleReport();
    }

    private async Task UnsubscribeAsync(FeedStreamHandle handle)
    {
        try
        {
            await handle.UnsubscribeAsync();
        }
        catch (Exception ex)
        {
            // A subscription the cluster already dropped cannot be removed again; nothing is lost.
            LogUnsubscribeFailed(_registry.Logger, ex, Channel);
        }
    }

    /// <summary>Adds a subscriber in the pending state; <see cref="ActivateAsync"/> makes it live.</summary>
    public ChannelSubscription Add(Connections.Session session, MessageFilter? filter)
    {
        var subscription = new ChannelSubscription(this, session) { Filter = filter };
        lock (_sync)
            _subscribers.Add(subscription);
        return subscription;
    }

    /// <summary>Removes a subscriber; returns how many remain.</summary>
    public int Remove(ChannelSubscription subscription)
    {
        lock (_sync)
        {
            _subscribers.Remove(subscription);
            subscription.Pending = null;
            return _subscribers.Count;
        }
    }

    /// <summary>
    /// Answers the subscribe request (when it carried an id: success of a frame without one is silent) and makes the
    /// subscription live. Without <paramref name="since"/> the ack carries the feed's position and live frames
    /// follow. With it, the missed messages are read from history and sent behind the ack, a page at a time, each page
    /// only once the connection's queue has room for it; then the frames that arrived meanwhile, skipping any offset
    /// already sent. A recovery slower than the channel keeps only the newest live frames (see
    /// <see cref="ChannelSubscription.PendingFrom"/>) and reads the offsets before them from history too.
    /// </summary>
    /// <remarks>
    /// The ack says <c>recovered:true</c> only when the first page continues <paramref name="since"/>. Should a later
    /// page find the history trimmed past what was sent (the channel outran a recovery that the client did not read),
    /// the promise cannot be kept: the connection is closed as a slow consumer, and its client resumes from what it got.
    /// </remarks>
    public async Task ActivateAsync(ChannelSubscription subscription, RecoveryPosition? since, AckWriter? ack)
    {
        if (since is not { } from)
        {
            lock (_sync)
            {
                subscription.Position = new RecoveryPosition(_last, _epoch);
                SendAck(subscription.Session, ack, _last, recovered: null);
                subscription.Pending = null;
            }

            return;
        }

        var session = subscription.Session;
        // A page never needs more than the half of the queue that WaitForRoomAsync leaves free.
        var pageSize = Math.Max(1, Math.Min(PageSize, session.Outbound.MaxFrames / 2));
        var page = await _log.ReadAsync(new HistoryQuery(from.Offset, from.Epoch, pageSize));
        var continuous = page.Continuous && (from.Epoch is null || from.Epoch == page.Epoch);
        var sent = from.Offset;
        var acked = false;
        while (true)
        {
            lock (_sync)
            {
                if (subscription.Pending is not { } pending)
                {
                    // Released meanwhile (unsubscribed, or the connection closed): nothing more to send.
                    if (!acked)
                        SendAck(session, ack, _last, recovered: false);
                    return;
                }

                if (!continuous || page.Epoch != _epoch)
                {
                    subscription.Pending = null;
                    if (acked)
                    {
                        session.Close(Protocol.CloseReason.SlowConsumer);
                        return;
                    }

                    // The history no longer holds everything after 'since', or the epoch changed: nothing is replayed,
                    // the client must resync, and the subscription continues live from the ack's offset.
                    subscription.Position = new RecoveryPosition(_last, _epoch);
                    SendAck(session, ack, _last, recovered: false);
                    return;
                }

                if (!acked)
                {
                    subscription.Position = new RecoveryPosition(from.Offset, _epoch);
                    SendAck(session, ack, Math.Max(page.Top, _last), recovered: true);
                    acked = true;
                }

                foreach (var message in page.Messages)
                {
                    if (message.Offset <= sent)
                        continue;
                    if (subscription.Accepts(message))
                        session.Send(_encode(message));
                    sent = message.Offset;
                }

                // Live once history is exhausted and the parked frames continue what was sent.
                var hole = subscription.PendingFrom > sent + 1;
                if (!page.More && hole && page.Messages.Count == 0)
                {
                    // History has nothing below frames the feed already delivered: it cannot close the hole.
                    subscription.Pending = null;
                    session.Close(Protocol.CloseReason.SlowConsumer);
                    return;
                }

                if (!page.More && !hole)
                {
                    foreach (var frame in pending)
                    {
                        if (frame.Offset <= sent)
                            continue;
                        session.Send(frame);
                        sent = frame.Offset;
                    }

                    // History can be ahead of this feed: live frames up to what was replayed must not be sent again.
                    subscription.DeliveredUpTo = sent;
                    subscription.Pending = null;
                    return;
                }
            }

            // More to read: first let the client take what was queued, so a long recovery never overflows its queue.
            if (!await session.Outbound.WaitForRoomAsync())
                return;
            page = await _log.ReadAsync(new HistoryQuery(sent, page.Epoch, pageSize));
            continuous = page.Continuous;
        }
    }

    /// <summary>The subscription's ack, in the current epoch, when the request is to be answered on success.</summary>
    private void SendAck(Connections.Session session, AckWriter? ack, long offset, bool? recovered)
    {
        if (ack is not null)
            session.Send(ack(new ChannelPosition(offset, _epoch), recovered));
    }

    public async Task OnNextAsync(ChannelMessage item, StreamSequenceToken? token = null)
    {
        await _ready.Task;
        await _deliveryGate.WaitAsync();
        try
        {
            if (item.Epoch != _epoch && !await IsCurrentEpochAsync(item.Epoch))
            {
                _registry.Metrics.Dropped("stale_epoch");
                return;
            }

            if (item.Offset <= _last)
            {
                _registry.Metrics.Dropped("duplicate");
                return;
            }

            if (item.Offset > _last + 1)
                await FillGapAsync(item.Offset);

            Deliver(item);
        }
        finally
        {
            _deliveryGate.Release();
        }
    }

    /// <summary>
    /// The backstop for stream events that never arrive, which no later event would reveal as a gap (a lost last
    /// event, or a stream subscription the cluster dropped): when the feed has been quiet for
    /// <paramref name="quiet"/>, it compares with the channel's position, fills what is missing from history and,
    /// having found the stream silent where it should not be, subscribes to it again.
    /// </summary>
    public async Task AuditAsync(long now, TimeSpan quiet)
    {
        if (!_ready.Task.IsCompletedSuccessfully || _handle is null)
            return;
        if (_registry.Time.GetElapsedTime(Volatile.Read(ref _lastActivity), now) < quiet)
            return;

        if (await CatchUpAsync())
            await ResubscribeAsync();
    }

    /// <summary>
    /// Replaces the stream subscription: the new one is in place before the old one goes (duplicates in between are
    /// dropped by offset), then whatever was published meanwhile is filled from history. Used when the cluster
    /// connection comes back and when the stream turned out to have gone silent.
    /// </summary>
    public async Task ResubscribeAsync()
    {
        if (!_ready.Task.IsCompletedSuccessfully || _handle is null)
            return;

        LogResubscribing(_registry.Logger, Channel);
        var fresh = await _log.SubscribeAsync(this);
        var old = Interlocked.Exchange(ref _handle, fresh);
        if (old is null)
        {
            // The feed was stopped meanwhile: the fresh subscription must not outlive it.
            Interlocked.Exchange(ref _handle, null);
            await UnsubscribeAsync(fresh);
            return;
        }

        await UnsubscribeAsync(old);
        await CatchUpAsync();
    }

    /// <summary>Delivers, from history, everything up to the channel's current position; true when anything was missing.</summary>
    private async Task<bool> CatchUpAsync()
    {
        var position = await _log.GetPositionAsync();
        await _deliveryGate.WaitAsync();
        try
        {
            AdoptEpoch(position.Epoch);
            var missing = position.Offset > _last;
            if (missing)
            {
                LogAuditFoundMissing(_registry.Logger, Channel, _last + 1, position.Offset);
                await FillGapAsync(position.Offset + 1);
            }

            Volatile.Write(ref _lastActivity, _registry.Time.GetTimestamp());
            return missing;
        }
        finally
        {
            _deliveryGate.Release();
        }
    }

    /// <summary>
    /// Whether an event's epoch, which differs from the feed's, is the log's current one; if so the feed moves to it.
    /// A stream event does not prove its epoch is current: a stream deleted and created again can still have events
    /// of its old incarnation in flight (stream queues deliver what was enqueued before a subscription to it), and a
    /// feed that started in the new incarnation has never seen the old epoch to refuse it. So the log decides, once
    /// per epoch: a refused epoch is retired and its late events are dropped without asking again. When the log cannot
    /// be asked, the event is dropped too; the quiet-feed audit and gap filling deliver it from history if it was real.
    /// Called with the delivery gate held.
    /// </summary>
    private async Task<bool> IsCurrentEpochAsync(string epoch)
    {
        if (_retiredEpochs.Contains(epoch))
            return false;

        ChannelPosition position;
        try
        {
            position = await _log.GetPositionAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogEpochCheckFailed(_registry.Logger, ex, Channel, epoch);
            return false;
        }

        if (position.Epoch != epoch)
        {
            _retiredEpochs.Add(epoch);
            return false;
        }

        AdoptEpoch(epoch);
        return true;
    }

    /// <summary>
    /// Moves the feed to the log's current epoch (a different one means the channel lost its history, or the stream
    /// was created again, and offsets restarted from 1: deliver from there). The epoch left is retired, so its late
    /// events are refused by <see cref="IsCurrentEpochAsync"/> without asking the log. Called with the delivery gate held.
    /// </summary>
    private void AdoptEpoch(string epoch)
    {
        if (epoch == _epoch)
            return;

        LogEpochChanged(_registry.Logger, Channel, _epoch, epoch);
        if (_epoch.Length > 0)
            _retiredEpochs.Add(_epoch);
        _retiredEpochs.Remove(epoch);
        lock (_sync)
        {
            _epoch = epoch;
            _last = 0;
        }
    }

    /// <summary>
    /// Reads the messages between the last delivered offset and <paramref name="before"/> from history and delivers
    /// them. Called with the delivery gate held.
    /// </summary>
    private async Task FillGapAsync(long before)
    {
        _registry.Metrics.GapFilled();
        try
        {
            while (_last + 1 < before)
            {
                var page = await _log.ReadAsync(new HistoryQuery(_last, _epoch, (int)Math.Min(PageSize, before - _last - 1)));
                if (!page.Continuous || page.Messages.Count == 0 || page.Epoch != _epoch)
                {
                    LogGapUnrecoverable(_registry.Logger, Channel, _last + 1, before - 1);
                    _registry.Metrics.Dropped("gap");
                    return;
                }

                foreach (var message in page.Messages)
                {
                    if (message.Offset >= before)
                        return;
                    if (message.Offset == _last + 1)
                        Deliver(message);
                }
            }
        }
        catch (Exception ex)
        {
            LogGapFillFailed(_registry.Logger, ex, Channel, _last + 1, before - 1);
            _registry.Metrics.Dropped("gap");
        }
    }

    /// <summary>
    /// Hands one message to every live local subscriber: encoded once (only if some subscriber accepts it), offered to
    /// each session's queue without awaiting anyone, and counted once per message (<see cref="FanoutTally"/>). Nothing
    /// here allocates per subscriber; the unit tests hold that with allocation counts. Called with the delivery gate
    /// held (or, in tests and benchmarks, by the only thread touching the feed).
    /// </summary>
    internal void Deliver(ChannelMessage message)
    {
        using var fanout = _registry.Metrics.StartFanout(message, _registry.Time);
        Volatile.Write(ref _lastActivity, _registry.Time.GetTimestamp());
        EncodedFrame? frame = null;
        var tally = default(FanoutTally);
        var leaving = FeedFrames.LeavingMember(Channel, message);
        List<ChannelSubscription>? removed = null;
        lock (_sync)
        {
            _last = message.Offset;
            foreach (var subscription in _subscribers)
            {
                // Filters only select among frames encoded once per gateway, and only when someone is listening.
                if (!subscription.Accepts(message))
                    continue;
                frame ??= _encode(message);
                if (subscription.Pending is { } pending)
                {
                    // Recovery is behind the channel: keep only the newest frames, and let it read the rest from history.
                    if (pending.Count >= _registry.MaxPendingFrames)
                    {
                        pending.Clear();
                        subscription.PendingFrom = message.Offset;
                    }

                    pending.Add(frame);
                }
                else if (message.Offset > subscription.DeliveredUpTo && subscription.Session.Offer(frame) == Connections.EnqueueResult.Enqueued)
                {
                    tally.Count(subscription.Session.Kind);
                }

                // A member removed from a room (by an administrator, or by another of their connections) stops following
                // it here too, after seeing its own leave. A subscription that went live after the leave is a new join.
                if (leaving is not null && subscription.Session.UserId == leaving && subscription.Position is { } position && position.Offset < message.Offset)
                    (removed ??= []).Add(subscription);
            }
        }

        if (frame is not null)
            tally.Report(_registry.Metrics, frame.Type);

        if (removed is not null)
        {
            foreach (var subscription in removed)
                subscription.Session.RoomRemoved(subscription);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(_registry.Logger, ex, Channel);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Tells the channel grain how many local subscribers this gateway has. Reports are coalesced: while one is in
    /// flight, further changes only mark the count dirty, and the loop sends the latest count when it comes back.
    /// </summary>
    public void ScheduleReport()
    {
        Volatile.Write(ref _reportDirty, 1);
        if (Interlocked.CompareExchange(ref _reporting, 1, 0) == 0)
            _ = ReportLoopAsync();
    }

    private async Task ReportLoopAsync()
    {
        try
        {
            while (Interlocked.Exchange(ref _reportDirty, 0) == 1)
                await _log.ReportSubscribersAsync(_registry.GatewayId, _handle is null ? 0 : SubscriberCount);
        }
        catch (Exception ex)
        {
            LogReportFailed(_registry.Logger, ex, Channel);
        }
        finally
        {
            Volatile.Write(ref _reporting, 0);
        }

        if (Volatile.Read(ref _reportDirty) == 1)
            ScheduleReport();
    }
}
