using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// One client connection, whatever its transport: its identity, its bounded send queue, its subscriptions and the
/// dispatch of its frames. Transports only move bytes: they feed received frames to <see cref="HandleAsync"/> (or
/// <see cref="InvokeAsync"/>), drain <see cref="Outbound"/> in one writer loop, and call <see cref="DisposeAsync"/>
/// when the connection is gone.
/// </summary>
internal sealed partial class Session : IAsyncDisposable
{
    private readonly SessionServices _services;
    private readonly Dictionary<string, ChannelSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly List<ClientFrame> _parsed = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _dispatch = new(1, 1);
    private readonly CancellationTokenSource _writesAbandoned = new();
    private readonly Liveness _liveness;
    private CloseReason? _closeReason;
    private TaskCompletionSource<EncodedFrame>? _answer;
    private long _lastReceived;
    private long _lastPing;
    private int _polls;
    private int _disposed;

    public Session(string connectionId, ClientIdentity? identity, TransportKind transport, SessionServices services)
    {
        ConnectionId = connectionId;
        _identity = identity;
        Kind = transport;
        Transport = transport.Name;
        _liveness = transport.Liveness;
        _services = services;
        Outbound = new SendQueue(services.Limits.SendQueueFrames, services.Limits.SendQueueBytes);
        _lastReceived = _lastPing = _opened = services.Time.GetTimestamp();
        var limits = services.Limits;
        _frameRate = new TokenBucket(limits.MessagesPerSecond, limits.MessagesPerSecond, services.Time);
        _strikes = new TokenBucket(limits.AbuseThreshold, limits.AbuseThreshold / (double)limits.AbuseWindowSeconds, services.Time);
    }

    public string ConnectionId { get; }

    /// <summary>Who the connection belongs to; null until an unauthenticated connection sends a valid <c>auth</c> frame.</summary>
    public ClientIdentity? Identity => Volatile.Read(ref _identity);

    public string? UserId => Identity?.UserId;

    public string Transport { get; }

    /// <summary>The connection's transport (its name is <see cref="Transport"/>).</summary>
    public TransportKind Kind { get; }

    public SendQueue Outbound { get; }

    /// <summary>Why the connection is closing, once it is; null while open.</summary>
    public CloseReason? CloseReason => Volatile.Read(ref _closeReason);

    /// <summary>Completes when <see cref="Close"/> was called (by the server or because the client went away).</summary>
    public Task Closed => _closed.Task;

    /// <summary>How long a closing connection's writer may take to drain its queue to a client that stopped reading.</summary>
    public static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Transports pass this to their writes: it cancels a write stuck on a client that stopped reading, at once for a
    /// slow consumer and after <see cref="DrainGrace"/> for any other close, so a closing connection always ends.
    /// </summary>
    public CancellationToken WritesAbandoned => _writesAbandoned.Token;

    /// <summary>Sends the <c>welcome</c> frame; the transport calls this once, before anything else is queued.</summary>
    public void Welcome()
    {
        Send(WelcomeFrame());
        StartUser();
    }

    /// <summary>The <c>welcome</c> frame, for transports that answer it outside the frame stream (long polling).</summary>
    public EncodedFrame WelcomeFrame() =>
        FrameWriter.Welcome(ConnectionId, UserId, _services.Gateway.GatewayId, _services.Limits.HeartbeatSeconds, Transport);

    /// <summary>
    /// Queues a frame for the client. A full queue makes the client a slow consumer: the connection is closed, and the
    /// frame is not delivered (the client recovers from history when it reconnects).
    /// </summary>
    public bool Send(EncodedFrame frame)
    {
        // While an invocation runs (SignalR), its answer is its return value: answers are only ever produced while
        // their own frame is dispatched, and dispatches are one at a time, so the answer is this invocation's.
        if (frame.Type is ServerFrameType.Ack or ServerFrameType.Error or ServerFrameType.Pong && Volatile.Read(ref _answer) is { } answer)
        {
            answer.TrySetResult(frame);
            return true;
        }

        if (Offer(frame) != EnqueueResult.Enqueued)
            return false;

        _services.Metrics.FrameSent(Transport);
        if (frame.Type == ServerFrameType.Message)
            _services.Metrics.Delivered(Transport);
        return true;
    }

    /// <summary>
    /// Queues one frame of a fan-out, applying the queue's policy (a dropped low-priority frame is counted, a full queue
    /// closes the connection as a slow consumer) but not counting the frame as sent: a feed hands one frame to every
    /// local subscriber and reports what was queued once per message (<see cref="Diagnostics.FanoutTally"/>), because
    /// recording two tagged counters per subscriber cost more than the enqueue itself. Fan-out frames are never
    /// answers, so the invocation answer of <see cref="Send"/> does not apply.
    /// </summary>
    public EnqueueResult Offer(EncodedFrame frame)
    {
        var result = Outbound.TryEnqueue(frame);
        switch (result)
        {
            case EnqueueResult.DroppedLowPriority:
                _services.Metrics.Dropped("low_priority");
                break;
            case EnqueueResult.Full:
                _services.Metrics.Dropped("slow_consumer");
                Close(Protocol.CloseReason.SlowConsumer);
                break;
        }

        return result;
    }

    /// <summary>
    /// Starts closing: records the reason, tells the client with a <c>close</c> frame where the queue has room, and
    /// completes the queue so the writer loop drains and ends. Idempotent; the first reason wins. Subscriptions are
    /// released by <see cref="DisposeAsync"/>, never here, because this may run inside a channel's delivery loop.
    /// </summary>
    public void Close(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
            return;

        if (reason != Protocol.CloseReason.SlowConsumer)
            Outbound.TryEnqueue(FrameWriter.Close(reason));
        Outbound.Complete();
        LogClosing(_services.Logger, ConnectionId, reason.Code);
        _writesAbandoned.CancelAfter(reason == Protocol.CloseReason.SlowConsumer ? TimeSpan.Zero : DrainGrace);
        _closed.TrySetResult();
    }

    /// <summary>
    /// Called by the heartbeat service: pings when due and closes a connection that went silent, by the rule of its
    /// transport's <see cref="Liveness"/>.
    /// </summary>
    public void Heartbeat(long now)
    {
        if (CloseReason is not null)
            return;

        var silence = _services.Time.GetElapsedTime(Volatile.Read(ref _lastReceived), now);
        var dead = _liveness switch
        {
            Liveness.ClientAnswersPings => silence >= _services.Limits.IdleTimeout,
            Liveness.Polls => Volatile.Read(ref _polls) == 0 && silence >= _services.Limits.PongTimeout,
            _ => false,
        };
        if (dead)
        {
            Close(Protocol.CloseReason.IdleTimeout);
            return;
        }

        if (AuthenticationLapsed(now) is { } lapsed)
        {
            Close(lapsed);
            return;
        }

        if (_liveness is Liveness.ClientAnswersPings or Liveness.ServerPingsOnly && _services.Time.GetElapsedTime(_lastPing, now) >= _services.Limits.Heartbeat)
        {
            _lastPing = now;
            Send(EncodedFrame.Ping);
        }
    }

    /// <summary>Records client activity without a frame (e.g. a long-poll request); any received frame does this too.</summary>
    public void Touch() => Volatile.Write(ref _lastReceived, _services.Time.GetTimestamp());

    /// <summary>A long-poll request starts waiting: the connection is alive for as long as one is held.</summary>
    public void PollStarted()
    {
        Interlocked.Increment(ref _polls);
        Touch();
    }

    /// <summary>A long-poll request ended; the pong time-out runs from now until the next one.</summary>
    public void PollEnded()
    {
        Touch();
        Interlocked.Decrement(ref _polls);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return ValueTask.CompletedTask;

        Close(Protocol.CloseReason.Normal);
        ChannelSubscription[] subscriptions;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions.Values];
            _subscriptions.Clear();
        }

        foreach (var subscription in subscriptions)
            _services.Feeds.Release(subscription);

        ReleaseStreams();
        StopUser();
        _services.Sessions.Remove(this);
        return ValueTask.CompletedTask;
    }
}
