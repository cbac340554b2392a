using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Transports.LongPolling;

/// <summary>
/// A long-polling connection's delivery state. Every frame taken from the session's queue gets the next cursor
/// (1, 2, 3 …) and stays here until a poll names a cursor at or above it: an answer that was lost on the way is
/// sent again to a client that asks with the same cursor, and a confirmed frame is never sent twice. At most one
/// answer's worth of frames is held, so the session's bounded queue still bounds the connection's memory.
/// </summary>
internal sealed class PollingConnection(Session session)
{
    private readonly Queue<(long Cursor, EncodedFrame Frame)> _unconfirmed = new();
    private CancellationTokenSource? _current;

    public Session Session { get; } = session;

    /// <summary>One poll at a time: a newer poll supersedes the waiting one, which answers at once.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The cursor of the last frame taken from the session's queue.</summary>
    public long Last { get; private set; }

    public int UnconfirmedCount => _unconfirmed.Count;

    public IEnumerable<(long Cursor, EncodedFrame Frame)> Unconfirmed => _unconfirmed;

    /// <summary>Cancels the poll that is waiting, if any, and returns the token that the next newer poll cancels.</summary>
    public CancellationToken Supersede()
    {
        var next = new CancellationTokenSource();
        Interlocked.Exchange(ref _current, next)?.Cancel();
        return next.Token;
    }

    /// <summary>Forgets every frame at or below <paramref name="cursor"/>: the client has them.</summary>
    public void Confirm(long cursor)
    {
        while (_unconfirmed.TryPeek(out var entry) && entry.Cursor <= cursor)
            _unconfirmed.Dequeue();
    }

    /// <summary>Moves frames from the session's queue until <paramref name="max"/> are unconfirmed; pings are not sent.</summary>
    public void Take(int max)
    {
        while (_unconfirmed.Count < max && Session.Outbound.TryDequeue(out var frame))
        {
            if (frame.Type != ServerFrameType.Ping)
                _unconfirmed.Enqueue((++Last, frame));
        }
    }

    /// <summary>Drops everything still held or queued and holds only <paramref name="frame"/> (a slow consumer's close).</summary>
    public void ReplaceAllWith(EncodedFrame frame)
    {
        _unconfirmed.Clear();
        while (Session.Outbound.TryDequeue(out _))
        {
        }

        _unconfirmed.Enqueue((++Last, frame));
    }
}
