using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>What happened to a frame offered to a <see cref="SendQueue"/>.</summary>
internal enum EnqueueResult
{
    Enqueued,

    /// <summary>A low-priority frame refused because the queue is past half full (counted, connection kept).</summary>
    DroppedLowPriority,

    /// <summary>The queue is full (frames or bytes): the client is a slow consumer and must be closed.</summary>
    Full,

    /// <summary>The queue is completed: the connection is closing.</summary>
    Closed,
}

/// <summary>
/// A connection's bounded outbound queue, drained by its transport's single writer loop. Memory per slow client is
/// bounded by frames and by bytes; the policy lives here, once: past half capacity <c>low</c> priority frames are
/// dropped, at capacity the offer fails and the session closes the connection as a slow consumer.
/// </summary>
/// <remarks>
/// A fan-out offers each publication to every subscriber's queue while the writer loops drain them on other threads, so
/// the queue takes no lock: a lock-free queue, counters kept with interlocked operations, and one reusable waiter
/// (<see cref="IValueTaskSource{TResult}"/>) for the single reader. An offer that finds the reader waiting wakes it;
/// one that finds it busy only adds the frame, which the running drain picks up. The profile of a saturated fan-out
/// showed the bounded channel this replaces spending its time in its lock, contended between the feed and the writers.
/// </remarks>
internal sealed class SendQueue : IValueTaskSource<bool>
{
    private readonly ConcurrentQueue<EncodedFrame> _frames = new();
    private readonly int _maxFrames;
    private readonly long _maxBytes;
    private int _count;
    private long _bytes;
    private volatile bool _completed;

    /// <summary>The reader's wait; armed (1) while it waits, and whoever disarms it completes it.</summary>
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private int _waiting;
    private CancellationTokenRegistration _waitCancellation;

    /// <summary>A recovery waiting for room (<see cref="WaitForRoomAsync"/>); completed by the dequeue that makes it.</summary>
    private TaskCompletionSource<bool>? _room;

    public SendQueue(int maxFrames, long maxBytes)
    {
        _maxFrames = maxFrames;
        _maxBytes = maxBytes;
    }

    /// <summary>Most frames the queue holds; a recovery replays history in pages of at most half of it.</summary>
    public int MaxFrames => _maxFrames;

    /// <summary>Frames queued (counted as an offer is accepted, before the frame is visible to the reader).</summary>
    public int Count => Volatile.Read(ref _count);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>True once the queue is completed and everything queued has been taken.</summary>
    public bool IsDrained => _completed && Count == 0;

    public EnqueueResult TryEnqueue(EncodedFrame frame)
    {
        if (_completed)
            return EnqueueResult.Closed;
        if (frame.Priority == MessagePriority.Low && (Count >= _maxFrames / 2 || Bytes >= _maxBytes / 2))
            return EnqueueResult.DroppedLowPriority;

        var size = frame.Utf8.Length;
        if (Interlocked.Increment(ref _count) > _maxFrames)
        {
            Interlocked.Decrement(ref _count);
            return EnqueueResult.Full;
        }

        if (Interlocked.Add(ref _bytes, size) > _maxBytes)
        {
            Interlocked.Add(ref _bytes, -size);
            Interlocked.Decrement(ref _count);
            return EnqueueResult.Full;
        }

        _frames.Enqueue(frame);
        Wake(true);
        return EnqueueResult.Enqueued;
    }

    /// <summary>
    /// Waits until a frame is available; false once the queue is completed and drained. One wait at a time (the
    /// queue's single reader).
    /// </summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        if (!_frames.IsEmpty)
            return new ValueTask<bool>(true);
        if (_completed)
            return new ValueTask<bool>(!_frames.IsEmpty);
        cancellationToken.ThrowIfCancellationRequested();

        _wait.Reset();
        if (cancellationToken.CanBeCanceled)
            _waitCancellation = cancellationToken.UnsafeRegister(static (state, token) => ((SendQueue)state!).CancelWait(token), this);
        Interlocked.Exchange(ref _waiting, 1);

        // An offer or completion between the checks above and arming the wait has not seen it armed: look again.
        if ((!_frames.IsEmpty || _completed) && Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            ReleaseWaitCancellation();
            return new ValueTask<bool>(!_frames.IsEmpty || !_completed);
        }

        // A cancellation that came before the wait was armed found nothing to cancel.
        if (cancellationToken.IsCancellationRequested)
            CancelWait(cancellationToken);
        return new ValueTask<bool>(this, _wait.Version);
    }

    public bool TryDequeue(out EncodedFrame frame)
    {
        if (_frames.TryDequeue(out frame!))
        {
            Interlocked.Add(ref _bytes, -frame.Utf8.Length);
            Interlocked.Decrement(ref _count);
            if (Volatile.Read(ref _room) is { } room && HasRoom)
                ReleaseRoom(room, true);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Completes with true once at most half of the queue's frames and bytes are in use, at once if that is so now; with
    /// false once the queue is completed (the connection is closing). A recovery sends each page of history only after
    /// this, so a client many pages behind is paced by its own reading instead of overflowing its queue. One waiter at a
    /// time: a second call releases the first, which then finds the queue as it is.
    /// </summary>
    public Task<bool> WaitForRoomAsync()
    {
        if (_completed)
            return Task.FromResult(false);
        if (HasRoom)
            return Task.FromResult(true);

        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _room, waiter)?.TrySetResult(true);

        // A dequeue or completion between the checks above and arming the waiter has not seen it: look again.
        if (_completed || HasRoom)
            ReleaseRoom(waiter, !_completed);
        return waiter.Task;
    }

    /// <summary>Stops accepting frames; the writer drains what is queued, then its wait returns false.</summary>
    public void Complete()
    {
        _completed = true;
        Wake(!_frames.IsEmpty);
        if (Volatile.Read(ref _room) is { } room)
            ReleaseRoom(room, false);
    }

    private bool HasRoom => Count <= _maxFrames / 2 && Bytes <= _maxBytes / 2;

    /// <summary>Completes <paramref name="room"/> if it is still the armed waiter; whoever disarms it completes it.</summary>
    private void ReleaseRoom(TaskCompletionSource<bool> room, bool result)
    {
        if (Interlocked.CompareExchange(ref _room, null, room) == room)
            room.TrySetResult(result);
    }

    /// <summary>
    /// Completes the reader's wait if it is armed. Always an interlocked operation, never a plain read first: the full
    /// fence orders the frame just queued (or the completion) before the look at <c>_waiting</c>, so the reader, which
    /// arms and then looks at the queue, and this offer cannot both miss each other.
    /// </summary>
    private void Wake(bool framesQueued)
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
            _wait.SetResult(framesQueued);
    }

    private void CancelWait(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
            _wait.SetException(new OperationCanceledException(token));
    }

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        ReleaseWaitCancellation();
        return _wait.GetResult(token);
    }

    private void ReleaseWaitCancellation()
    {
        _waitCancellation.Dispose();
        _waitCancellation = default;
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}
