using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using OrleansRealtime.Bench.Load.Dialects;
using OrleansRealtime.Bench.Load.Subscribers;

namespace OrleansRealtime.Bench.Load;

/// <summary>
/// The single publisher, in the system's <see cref="WireDialect"/>. Where every publish is answered (the gateway, the
/// peers) up to <c>window</c> publishes are in flight; the raw relay answers nothing. It publishes to its channels in
/// turn (one message to each is a round), and never runs more than <c>maxLead</c> rounds ahead of the slowest open
/// subscriber, so saturation measures sustained delivery rather than queue growth until the servers cut slow consumers
/// off (or, for the peers, which never do, until they run out of memory).
/// </summary>
internal sealed class Publisher : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly WireDialect _dialect;
    private readonly byte[][] _channels;
    private readonly SubscriberSet _subscribers;
    private readonly int _maxLead;
    private readonly SemaphoreSlim _window;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly byte[] _frame = new byte[BenchPayload.MaxFrameBytes];
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sent;
    private long _acked;
    private long _errors;
    private long _slowestSeen;
    private volatile string? _firstError;
    private volatile string? _closedReason;

    /// <param name="channels">The channels published to in turn; <see cref="BenchPayload.Channel"/> when null.</param>
    public Publisher(WireDialect dialect, SubscriberSet subscribers, int window, int maxLead, IReadOnlyList<string>? channels = null)
    {
        _dialect = dialect;
        _channels = (channels ?? [BenchPayload.Channel]).Select(Encoding.UTF8.GetBytes).ToArray();
        _subscribers = subscribers;
        _maxLead = maxLead;
        _window = new SemaphoreSlim(window, window);
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public long Sent => Volatile.Read(ref _sent);

    /// <summary>Publications the system accepted: answers where it answers; on the raw relay every sent frame.</summary>
    public long Published => _dialect.AnswersPublishes ? Volatile.Read(ref _acked) : Sent;

    /// <summary>Messages each subscriber should have: whole rounds published (every channel has one subscriber set per round).</summary>
    public long PublishedPerChannel => Published / _channels.Length;

    public long Errors => Volatile.Read(ref _errors);

    public string? FirstError => _firstError;

    public string? ClosedReason => _closedReason;

    /// <summary>Time the publisher spent blocked on the slowest subscriber (the lead bound).</summary>
    public TimeSpan LeadWait { get; private set; }

    /// <summary>Time the publisher spent waiting for acks with a full window.</summary>
    public TimeSpan WindowWait { get; private set; }

    /// <summary>Connects to the node at <paramref name="node"/> and waits for the welcome (after the dialect's handshake).</summary>
    public async Task ConnectAsync(Uri node, CancellationToken cancellationToken)
    {
        var query = _dialect.Query(publisher: true);
        await _socket.ConnectAsync(new Uri($"ws://{node.Authority}{_dialect.Path}{(query.Length > 0 ? "?" + query : string.Empty)}"), cancellationToken);
        _ = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        if (_dialect.Opening is { } opening)
            await SendAsync(opening);
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
        while (_dialect.AnswersPublishes && Volatile.Read(ref _acked) + Volatile.Read(ref _errors) < Sent)
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
            if (_dialect.AnswersPublishes && !_window.Wait(0, CancellationToken.None))
            {
                var waitStarted = Stopwatch.GetTimestamp();
                await _window.WaitAsync(stop);
                WindowWait += Stopwatch.GetElapsedTime(waitStarted);
            }

            if ((_sent / _channels.Length) - _slowestSeen >= _maxLead)
                await WaitForSlowestAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        if (_closedReason is not null)
            return false;

        var request = _sent + 1;
        var channel = (int)(_sent % _channels.Length);
        var sequence = (_sent / _channels.Length) + 1;
        var length = _dialect.WritePublish(_frame, _channels[channel], sequence, request, Stopwatch.GetTimestamp());
        Volatile.Write(ref _sent, request);

        await SendAsync(_frame.AsMemory(0, length));
        return true;
    }

    /// <summary>One send at a time: publishes and the rare pong share the socket.</summary>
    private async ValueTask SendAsync(ReadOnlyMemory<byte> frame)
    {
        if (!_sending.Wait(0, CancellationToken.None))
            await _sending.WaitAsync(CancellationToken.None);
        try
        {
            // Never cancel a WebSocket send: a cancelled send aborts the socket.
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task WaitForSlowestAsync(CancellationToken stop)
    {
        var waitStarted = Stopwatch.GetTimestamp();
        while (true)
        {
            var rounds = _sent / _channels.Length;
            _slowestSeen = _subscribers.MinReceived(rounds);
            if (rounds - _slowestSeen < _maxLead)
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

                if (OnMessage(buffer.AsSpan(0, count)) is { } reply)
                    await SendAsync(reply);
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

    /// <summary>Counts answers and errors, notes the welcome; returns what the dialect says to answer (Socket.IO's pong), or null.</summary>
    private byte[]? OnMessage(ReadOnlySpan<byte> message)
    {
        var answers = _dialect.CountPublishAnswers(message, out var errors);
        if (errors > 0)
        {
            _firstError ??= Encoding.UTF8.GetString(message);
            Interlocked.Add(ref _errors, errors);
        }

        if (answers - errors > 0)
            Interlocked.Add(ref _acked, answers - errors);
        if (answers > 0)
            _window.Release(answers);
        else if (_dialect.IsWelcome(message))
            _welcomed.TrySetResult();

        // The gateway's pings are not answered: the publisher sends far more often than its idle timeout.
        return _dialect == GatewayDialect.Frames ? null : _dialect.Reply(message);
    }

    public void Dispose()
    {
        _closedReason ??= "closed by the bench";
        _socket.Abort();
        _socket.Dispose();
        _window.Dispose();
    }
}
