using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;

namespace OrleansRealtime.Bench.Load;

/// <summary>
/// One subscriber socket with one receive loop. Per message it finds the sequence number (the gateway's offset, or
/// the raw relay's publish id) and the publisher's timestamp, checks order, counts, and records latency while the
/// <see cref="PhaseClock"/> says so. No allocation per message; counters have a single writer (the loop).
/// </summary>
internal sealed class Subscriber : IDisposable
{
    private const int InitialBuffer = 4096;

    private readonly ClientWebSocket _socket = new();
    private readonly PhaseClock _clock;
    private readonly bool _gateway;
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private long _received;
    private long _last;
    private volatile bool _live;
    private volatile string? _closedReason;

    public Subscriber(PhaseClock clock, bool gateway)
    {
        _clock = clock;
        _gateway = gateway;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Messages received (duplicates included); written by the loop only, read by the publisher's lead check.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>The sequence number the first message should follow (the subscribe ack's offset, or 0).</summary>
    public long Base { get; private set; }

    public long LastSequence => Volatile.Read(ref _last);

    public long Gaps { get; private set; }

    public long MissingInGaps { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Why the connection ended, when it ended before the bench closed it.</summary>
    public string? ClosedReason => _closedReason;

    public bool IsOpen => _closedReason is null;

    /// <summary>Connects, waits for the welcome frame, and on the gateway subscribes and waits for the ack.</summary>
    public async Task ConnectAsync(Uri uri, HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(uri, invoker, cancellationToken);
        _ = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        await _welcomed.Task.WaitAsync(cancellationToken);
        if (_gateway)
        {
            await _socket.SendAsync(BenchPayload.SubscribeFrame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            Base = await _subscribed.Task.WaitAsync(cancellationToken);
        }

        _last = Base;
        _live = true;
    }

    /// <summary>Aborts the connection (no closing handshake: 1,000 of them would only slow the bench down).</summary>
    public void Dispose()
    {
        _closedReason ??= "closed by the bench";
        _socket.Abort();
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == _buffer.Length)
                        Grow(count);
                    result = await _socket.ReceiveAsync(_buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        Closed($"server closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (_live)
                    await OnLiveMessageAsync(count);
                else
                    OnSetupMessage(_buffer.AsSpan(0, count));
            }
        }
        catch (Exception ex)
        {
            Closed($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }

    private void OnSetupMessage(ReadOnlySpan<byte> message)
    {
        if (message.IndexOf(BenchPayload.WelcomeType) >= 0)
        {
            _welcomed.TrySetResult();
            return;
        }

        if (message.IndexOf(BenchPayload.AckType) >= 0)
        {
            var position = 0;
            _subscribed.TrySetResult(BenchPayload.TryReadNumberAfter(message, BenchPayload.OffsetKey, ref position, out var offset) ? offset : 0);
            return;
        }

        if (message.IndexOf(BenchPayload.ErrorType) >= 0)
            _subscribed.TrySetException(new InvalidOperationException("subscribe refused: " + System.Text.Encoding.UTF8.GetString(message)));
    }

    private ValueTask OnLiveMessageAsync(int count)
    {
        var message = _buffer.AsSpan(0, count);
        var now = Stopwatch.GetTimestamp();
        var recordFrom = _clock.RecordFrom;
        var key = _gateway ? BenchPayload.OffsetKey : BenchPayload.IdKey;
        var position = 0;
        while (BenchPayload.TryReadNext(message, key, ref position, out var sequence, out var sentAt))
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
                _last = sequence;
            }

            Volatile.Write(ref _received, _received + 1);
            if (sentAt >= recordFrom)
                Latency.Record((now - sentAt) * 1_000_000 / Stopwatch.Frequency);
        }

        // The gateway closes connections that stay silent past heartbeat + pong timeout: answer its pings.
        return _gateway && message.IndexOf(BenchPayload.PingFrame) >= 0
            ? _socket.SendAsync(BenchPayload.PongFrame.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)
            : ValueTask.CompletedTask;
    }

    private void Closed(string reason)
    {
        _closedReason ??= reason;
        _welcomed.TrySetException(new InvalidOperationException(reason));
        _subscribed.TrySetException(new InvalidOperationException(reason));
    }

    private void Grow(int used)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
