using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using OrleansRealtime.Bench.Load.Subscribers;

namespace OrleansRealtime.Bench.Load;

/// <summary>
/// The single publisher. On the gateway every publish is answered by an ack: up to <c>window</c> publishes are in
/// flight. On the raw relay there is no ack. On both, the publisher never runs more than <c>maxLead</c> messages ahead
/// of the slowest open subscriber, so saturation measures sustained delivery rather than queue growth until the
/// servers cut slow consumers off.
/// </summary>
internal sealed class Publisher : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly bool _gateway;
    private readonly SubscriberSet _subscribers;
    private readonly int _maxLead;
    private readonly SemaphoreSlim _window;
    private readonly byte[] _frame = new byte[BenchPayload.MaxFrameBytes];
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sent;
    private long _acked;
    private long _errors;
    private long _slowestSeen;
    private volatile string? _firstError;
    private volatile string? _closedReason;

    public Publisher(bool gateway, SubscriberSet subscribers, int window, int maxLead)
    {
        _gateway = gateway;
        _subscribers = subscribers;
        _maxLead = maxLead;
        _window = new SemaphoreSlim(window, window);
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Publications the system accepted: acks on the gateway; on the raw relay every sent frame.</summary>
    public long Published => _gateway ? Volatile.Read(ref _acked) : Sent;

    public long Errors => Volatile.Read(ref _errors);

    public string? FirstError => _firstError;

    public string? ClosedReason => _closedReason;

    /// <summary>Time the publisher spent blocked on the slowest subscriber (the lead bound).</summary>
    public TimeSpan LeadWait { get; private set; }

    /// <summary>Time the publisher spent waiting for acks with a full window.</summary>
    public TimeSpan WindowWait { get; private set; }

    public async Task ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(uri, cancellationToken);
        _ = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        await _welcomed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Publishes as fast as acks (and the lead bound) allow until <paramref name="stop"/> fires.</summary>
    public async Task RunSaturatedAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && await SendOneAsync(stop))
        {
        }
    }

    /// <summary>Publishes at <paramref name="rate"/> msg/s until <paramref name="stop"/> fires; returns the rate achieved.</summary>
    public async Task<double> RunPacedAsync(double rate, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = (long)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate);
            while (sent < due && !stop.IsCancellationRequested && await SendOneAsync(stop))
                sent++;
            try
            {
                // Linux timers resolve to about a millisecond: at moderate rates this sends in bursts of a few frames.
                await Task.Delay(1, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return sent / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>Waits until every publish sent so far was answered (gateway); false on time-out.</summary>
    public async Task<bool> WaitAnsweredAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (_gateway && Volatile.Read(ref _acked) + Volatile.Read(ref _errors) < Sent)
        {
            if (Stopwatch.GetTimestamp() > deadline || _closedReason is not null)
                return false;
            await Task.Delay(5);
        }

        return true;
    }

    private async ValueTask<bool> SendOneAsync(CancellationToken stop)
    {
        try
        {
            if (_gateway && !_window.Wait(0, CancellationToken.None))
            {
                var waitStarted = Stopwatch.GetTimestamp();
                await _window.WaitAsync(stop);
                WindowWait += Stopwatch.GetElapsedTime(waitStarted);
            }

            if (_sent - _slowestSeen >= _maxLead)
                await WaitForSlowestAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        if (_closedReason is not null)
            return false;

        var id = _sent + 1;
        var length = BenchPayload.WritePublish(_frame, id, Stopwatch.GetTimestamp());
        Volatile.Write(ref _sent, id);

        // Never cancel a WebSocket send: a cancelled send aborts the socket.
        await _socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        return true;
    }

    private async Task WaitForSlowestAsync(CancellationToken stop)
    {
        var waitStarted = Stopwatch.GetTimestamp();
        while (true)
        {
            _slowestSeen = _subscribers.MinReceived(_sent);
            if (_sent - _slowestSeen < _maxLead)
                break;
            await Task.Delay(1, stop);
        }

        LeadWait += Stopwatch.GetElapsedTime(waitStarted);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        // Only error frames with long texts get here; keep their start.
                        count = 0;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        _closedReason = $"server closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}";
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                OnMessage(buffer.AsSpan(0, count));
            }
        }
        catch (Exception ex)
        {
            _closedReason ??= $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            _welcomed.TrySetException(new InvalidOperationException(_closedReason ?? "publisher connection ended"));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void OnMessage(ReadOnlySpan<byte> message)
    {
        if (message.IndexOf(BenchPayload.AckType) >= 0)
        {
            Interlocked.Increment(ref _acked);
            _window.Release();
        }
        else if (message.IndexOf(BenchPayload.ErrorType) >= 0)
        {
            _firstError ??= System.Text.Encoding.UTF8.GetString(message);
            Interlocked.Increment(ref _errors);
            _window.Release();
        }
        else if (message.IndexOf(BenchPayload.WelcomeType) >= 0)
        {
            _welcomed.TrySetResult();
        }

        // Pings are not answered: the publisher sends far more often than the gateway's idle timeout.
    }

    public void Dispose()
    {
        _closedReason ??= "closed by the bench";
        _socket.Abort();
        _socket.Dispose();
        _window.Dispose();
    }
}
