using System.Buffers;
using System.Net.WebSockets;
using OrleansRealtime.Bench.Load.Dialects;

namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>
/// A subscriber on a plain WebSocket in one of the <see cref="WireDialect"/>s (the gateway's <c>/ws</c>, the raw relay,
/// the SignalR peer's hub, the Socket.IO peer), one receive loop per socket, messages assembled in a pooled buffer.
/// Sends (handshake, subscribe, pongs, keep-alives) are rare and serialized by a semaphore.
/// </summary>
internal sealed class WebSocketSubscriber : Subscriber
{
    private const int InitialBuffer = 4096;

    private readonly WireDialect _dialect;
    private readonly bool _deflate;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private ClientWebSocket _socket;
    private SubscriberEndpoint? _endpoint;
    private ResumePoint? _resume;

    /// <param name="deflate">Offer permessage-deflate; the gateway uses it only when its compression option is on.</param>
    public WebSocketSubscriber(PhaseClock clock, WireDialect dialect, bool deflate)
        : base(clock)
    {
        _dialect = dialect;
        _deflate = deflate;
        _socket = NewSocket();
    }

    /// <summary>Connects, waits for the welcome (after the dialect's handshake), subscribes and waits for the answer.</summary>
    public override Task ConnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken)
    {
        _endpoint = endpoint;
        return OpenAsync(cancellationToken);
    }

    public override Task ReconnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken)
    {
        _endpoint = endpoint;
        return ReconnectAsync(cancellationToken);
    }

    public override async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        var old = _socket;
        _socket = NewSocket();
        old.Abort();
        old.Dispose();
        ResetSetup();
        _resume = new ResumePoint(LastSequence, Epoch);
        await OpenAsync(cancellationToken);
    }

    /// <summary>Sends the dialect's keep-alive, when it has one and the connection is open; a failed send shows in the receive loop.</summary>
    public async Task KeepAliveAsync()
    {
        var socket = _socket;
        if (_dialect.KeepAlive is not { } frame || !IsOpen || socket.State != WebSocketState.Open)
            return;
        try
        {
            await SendAsync(socket, frame);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
            // The connection is going away (a reconnect, the bench closing it): its receive loop reports it.
        }
    }

    public override void Dispose()
    {
        Closed("closed by the bench");
        _socket.Abort();
        _socket.Dispose();
    }

    private ClientWebSocket NewSocket()
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (_deflate)
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        return socket;
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        var socket = _socket;
        await socket.ConnectAsync(_endpoint!.WebSocketUri(_dialect.Path, _dialect.Query(publisher: false)), _endpoint.Invoker, cancellationToken);
        _ = Task.Run(() => ReceiveLoopAsync(socket), CancellationToken.None);
        if (_dialect.Opening is { } opening)
            await SendAsync(socket, opening);
        await WaitWelcomedAsync(cancellationToken);

        var subscribe = _dialect.Subscribe(Channel, _resume);
        if (subscribe is null || (_resume is not null && !_dialect.HasOffsets))
        {
            // No subscribe (raw relay), or a reconnect to a system without recovery: count from now on, so everything
            // delivered after the new subscription took effect is seen (and what was missed shows as a gap).
            if (_resume is null)
                GoLive(0);
            else
                ResumeLive();
            if (subscribe is null)
            {
                Subscribed();
                return;
            }
        }

        await SendAsync(socket, subscribe);
        await WaitSubscribedAsync(cancellationToken);
    }

    private async Task SendAsync(ClientWebSocket socket, byte[] frame)
    {
        await _sending.WaitAsync();
        try
        {
            // Never cancel a WebSocket send: a cancelled send aborts the socket.
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                        buffer = Grow(buffer, count);
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        if (socket == _socket)
                            Closed($"server closed: {socket.CloseStatus} {socket.CloseStatusDescription}");
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (OnMessage(buffer.AsSpan(0, count)) is { } reply)
                    await SendAsync(socket, reply);
            }
        }
        catch (Exception ex)
        {
            // A socket replaced by a reconnect ends here too: that is not this subscriber closing.
            if (socket == _socket)
                Closed($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Counts the message's frames once live; before (or until the subscribe is answered), handles set-up. Returns what to answer.</summary>
    private byte[]? OnMessage(ReadOnlySpan<byte> message)
    {
        var wasLive = IsLive;
        if (!wasLive || !IsSubscribed)
            OnSetupMessage(message, _dialect, _resume);

        // A gateway ack is never a message; a peer's answer may share a WebSocket message with deliveries (SignalR).
        if (wasLive || (IsLive && !_dialect.HasOffsets))
        {
            var received = Received;
            OnFrames(message, _dialect.SequenceKey);
            if (Received == received && _dialect.IsIncident(message))
                Incident(System.Text.Encoding.UTF8.GetString(message));
        }

        return _dialect.Reply(message);
    }
}
