using System.Threading.Channels;
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
internal sealed class SendQueue
{
    private readonly Channel<EncodedFrame> _channel;
    private readonly int _maxFrames;
    private readonly long _maxBytes;
    private long _bytes;
    private volatile bool _completed;

    public SendQueue(int maxFrames, long maxBytes)
    {
        _maxFrames = maxFrames;
        _maxBytes = maxBytes;
        _channel = Channel.CreateBounded<EncodedFrame>(new BoundedChannelOptions(maxFrames)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
    }

    public int Count => _channel.Reader.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>True once the queue is completed and everything queued has been taken.</summary>
    public bool IsDrained => _completed && _channel.Reader.Count == 0;

    public EnqueueResult TryEnqueue(EncodedFrame frame)
    {
        if (_completed)
            return EnqueueResult.Closed;
        if (frame.Priority == MessagePriority.Low && (Count >= _maxFrames / 2 || Bytes >= _maxBytes / 2))
            return EnqueueResult.DroppedLowPriority;

        var size = frame.Utf8.Length;
        if (Interlocked.Add(ref _bytes, size) > _maxBytes)
        {
            Interlocked.Add(ref _bytes, -size);
            return EnqueueResult.Full;
        }

        if (_channel.Writer.TryWrite(frame))
            return EnqueueResult.Enqueued;

        Interlocked.Add(ref _bytes, -size);
        return _completed ? EnqueueResult.Closed : EnqueueResult.Full;
    }

    /// <summary>Waits until a frame is available; false once the queue is completed and drained.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    public bool TryDequeue(out EncodedFrame frame)
    {
        if (_channel.Reader.TryRead(out frame!))
        {
            Interlocked.Add(ref _bytes, -frame.Utf8.Length);
            return true;
        }

        return false;
    }

    /// <summary>Stops accepting frames; the writer drains what is queued, then its wait returns false.</summary>
    public void Complete()
    {
        _completed = true;
        _channel.Writer.TryComplete();
    }
}
