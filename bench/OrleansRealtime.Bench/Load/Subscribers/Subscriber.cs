using System.Buffers;
using System.Diagnostics;
using OrleansRealtime.Bench.Load.Dialects;

namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>
/// One subscriber connection, over one transport. Per message it takes the sequence number (the gateway's offset, or
/// the raw relay's publish id) and the publisher's timestamp, checks order, counts, and records latency while the
/// <see cref="PhaseClock"/> says so. No allocation per message on the text transports; counters have a single writer
/// (the transport's receive loop).
/// </summary>
internal abstract class Subscriber(PhaseClock clock) : IDisposable
{
    private TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _received;
    private long _last;
    private volatile bool _live;
    private volatile string? _closedReason;
    private List<Hole>? _holes;
    private List<string>? _incidents;
    private readonly Lock _incidentsLock = new();

    public LatencyHistogram Latency { get; } = new();

    /// <summary>The channel this subscriber subscribes to (the WebSocket dialects; the other transports use <see cref="BenchPayload.Channel"/>).</summary>
    public string Channel { get; init; } = BenchPayload.Channel;

    /// <summary>The channel's epoch from the last subscribe ack, where the system has epochs: what a recovery names.</summary>
    public string? Epoch { get; private set; }

    /// <summary>Messages received (duplicates included); written by the loop only, read by the publisher's lead check.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>The sequence number the first message should follow (the subscribe ack's offset, or 0).</summary>
    public long Base { get; private set; }

    public long LastSequence => Volatile.Read(ref _last);

    public long Gaps { get; private set; }

    public long MissingInGaps { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>
    /// The last resume's <c>since</c> offset (null before any reconnect with recovery): what a hole after it is measured
    /// against.
    /// </summary>
    public long? ResumedSince { get; private set; }

    /// <summary>The last resume ack's top offset.</summary>
    public long? ResumeAckOffset { get; private set; }

    /// <summary>What the last resume ack said about recovery (<c>recovered</c>); null without a resume or where the system does not say.</summary>
    public bool? Recovered { get; private set; }

    /// <summary>Every hole in the sequence, with the resume it followed; empty when none (allocated on the first hole only).</summary>
    public IReadOnlyList<Hole> Holes => _holes ?? (IReadOnlyList<Hole>)[];

    /// <summary>
    /// Every end of a connection of this subscriber (not only the first, unlike <see cref="ClosedReason"/>) and every
    /// control frame received while live that was not a message, a ping or an ack: the server's <c>close</c> and
    /// <c>error</c> frames. Text as received.
    /// </summary>
    public IReadOnlyList<string> Incidents
    {
        get
        {
            lock (_incidentsLock)
                return _incidents is null ? [] : [.. _incidents];
        }
    }

    /// <summary>Why the connection ended, when it ended before the bench closed it.</summary>
    public string? ClosedReason => _closedReason;

    public bool IsOpen => _closedReason is null;

    /// <summary>True once subscribed: from then on every received frame is counted.</summary>
    protected bool IsLive => _live;

    /// <summary>True once the subscribe was answered (or the system has none).</summary>
    protected bool IsSubscribed => _subscribed.Task.IsCompletedSuccessfully;

    /// <summary>Connects and subscribes to <see cref="BenchPayload.Channel"/>; returns once the subscription is live.</summary>
    public abstract Task ConnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Drops the connection and opens a new one that subscribes again, recovering from the last message received where
    /// the system can; returns once subscribed. Counters carry on, so what the gap lost shows as gaps.
    /// </summary>
    public virtual Task ReconnectAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not reconnect");

    /// <summary>
    /// As <see cref="ReconnectAsync(CancellationToken)"/>, but to another node (its own is gone, e.g. a killed
    /// gateway): the new connection resumes there.
    /// </summary>
    public virtual Task ReconnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} does not reconnect");

    /// <summary>Aborts the connection (no closing handshake: 1,000 of them would only slow the bench down).</summary>
    public abstract void Dispose();

    protected Task WaitWelcomedAsync(CancellationToken cancellationToken) => _welcomed.Task.WaitAsync(cancellationToken);

    /// <summary>Waits for the subscribe ack (<see cref="OnSetupFrame"/>); from then on, messages after its offset are counted.</summary>
    protected Task WaitSubscribedAsync(CancellationToken cancellationToken) => _subscribed.Task.WaitAsync(cancellationToken);

    /// <summary>The subscription is live: messages after <paramref name="baseSequence"/> are counted from here on.</summary>
    protected void GoLive(long baseSequence)
    {
        Base = baseSequence;
        _last = baseSequence;
        _live = true;
    }

    protected void Welcomed() => _welcomed.TrySetResult();

    /// <summary>Handles one gateway frame received before the subscription is live: welcome, the subscribe ack, or an error.</summary>
    protected void OnSetupFrame(ReadOnlySpan<byte> frame) => OnSetupMessage(frame, GatewayDialect.Frames, resume: null);

    /// <summary>
    /// Handles one message received before the subscribe was answered: the welcome, the answer, or anything else (ignored).
    /// On an accepted subscribe the subscriber goes live (unless it already is): after the ack's offset, or, on a
    /// reconnect (<paramref name="resume"/>), after the last message it received before.
    /// </summary>
    protected void OnSetupMessage(ReadOnlySpan<byte> message, WireDialect dialect, ResumePoint? resume)
    {
        if (dialect.IsWelcome(message))
        {
            Welcomed();
            return;
        }

        switch (dialect.ReadSubscribeAnswer(message, out var offset, out var epoch))
        {
            case SubscribeAnswer.Accepted:
                // Live at once, in the receive loop: the next frame read is already a message to count.
                Epoch = epoch ?? Epoch;
                if (resume is not null)
                    (ResumedSince, ResumeAckOffset, Recovered) = (resume.Last, offset, dialect.ReadRecovered(message));
                if (!_live && resume is null)
                    GoLive(offset);
                else if (!_live)
                    ResumeLive();
                _subscribed.TrySetResult();
                break;
            case SubscribeAnswer.Refused:
                _subscribed.TrySetException(new InvalidOperationException("subscribe refused: " + System.Text.Encoding.UTF8.GetString(message)));
                break;
        }
    }

    /// <summary>Live again after a reconnect: sequence checks continue from the last message received before it.</summary>
    protected void ResumeLive() => _live = true;

    /// <summary>A system without subscribe: subscribed as soon as it is live.</summary>
    protected void Subscribed() => _subscribed.TrySetResult();

    /// <summary>Before a reconnect: the new connection must be welcomed and subscribed again; until then nothing is counted.</summary>
    protected void ResetSetup()
    {
        _live = false;
        _welcomed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Counts every message in a block of frame text: one frame, a JSON array of frames, a poll answer or several SSE
    /// events alike (see <see cref="BenchPayload.TryReadNext"/>). Must hold whole frames only.
    /// </summary>
    protected void OnFrames(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> sequenceKey)
    {
        var now = Stopwatch.GetTimestamp();
        var position = 0;
        while (BenchPayload.TryReadNext(utf8, sequenceKey, ref position, out var sequence, out var sentAt))
            OnMessage(sequence, sentAt, now);
    }

    protected void OnMessage(long sequence, long sentAt, long now)
    {
        if (sequence == _last + 1)
        {
            _last = sequence;
        }
        else if (sequence <= _last)
        {
            Duplicates++;
        }
        else
        {
            Gaps++;
            MissingInGaps += sequence - _last - 1;
            (_holes ??= []).Add(new Hole(_last + 1, sequence - 1, ResumedSince, Recovered));
            _last = sequence;
        }

        Volatile.Write(ref _received, _received + 1);
        if (sentAt >= clock.RecordFrom)
            Latency.Record((now - sentAt) * 1_000_000 / Stopwatch.Frequency);
    }

    protected static byte[] Grow(byte[] buffer, int used)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    /// <summary>Records a control frame or a connection end worth reporting (see <see cref="Incidents"/>).</summary>
    protected void Incident(string what)
    {
        lock (_incidentsLock)
            (_incidents ??= []).Add(what);
    }

    /// <summary>The connection ended: records why (the first reason wins) and fails a connect still waiting.</summary>
    protected void Closed(string reason)
    {
        Incident(reason);
        _closedReason ??= reason;
        _welcomed.TrySetException(new InvalidOperationException(reason));
        _subscribed.TrySetException(new InvalidOperationException(reason));
    }
}

/// <summary>
/// Offsets <paramref name="From"/>..<paramref name="To"/> never received; <paramref name="Since"/> and
/// <paramref name="Recovered"/> are those of the last resume before the hole (null: before any).
/// </summary>
internal readonly record struct Hole(long From, long To, long? Since, bool? Recovered)
{
    public long Count => To - From + 1;
}
