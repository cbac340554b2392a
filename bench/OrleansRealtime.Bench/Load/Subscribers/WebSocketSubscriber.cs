using System.Buffers;
using System.Net.WebSockets;

namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>
/// A subscriber on <c>/ws</c>, one receive loop per socket, messages assembled in a pooled buffer. Also the client of
/// the raw relay, which has no subscribe: its first message after the welcome is live.
/// </summary>
internal sealed class WebSocketSubscriber : Subscriber
{
    private const int InitialBuffer = 4096;

    private readonly ClientWebSocket _socket = new();
    private readonly string _query;
    private readonly byte[] _subscribeFrame;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private bool _gateway;

    /// <param name="batch">Ask the gateway for JSON arrays of frames (<c>?batch=true</c>).</param>
    /// <param name="deflate">Offer permessage-deflate; the gateway uses it only when its compression option is on.</param>
    /// <param name="resume">Subscribe with <c>since</c> this position: history after it is replayed, then live.</param>
    public WebSocketSubscriber(PhaseClock clock, bool batch, bool deflate, (long Offset, string Epoch)? resume = null)
        : base(clock)
    {
        _subscribeFrame = resume is { } position ? BenchPayload.SubscribeSinceFrame(position.Offset, position.Epoch) : BenchPayload.SubscribeFrame;
        ResumeAfter = resume?.Offset;
        _query = batch ? "batch=true" : string.Empty;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (deflate)
            _socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
    }

    /// <summary>Connects, waits for the welcome frame, and on the gateway subscribes and waits for the ack.</summary>
    public override async Task ConnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken)
    {
        _gateway = endpoint.Gateway;
        await _socket.ConnectAsync(endpoint.WebSocketUri("/ws", _query), endpoint.Invoker, cancellationToken);
        _ = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        await WaitWelcomedAsync(cancellationToken);
        if (!_gateway)
        {
            GoLive(0);
            return;
        }

        await _socket.SendAsync(_subscribeFrame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await WaitSubscribedAsync(cancellationToken);
    }

    public override void Dispose()
    {
        Closed("closed by the bench");
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
                        _buffer = Grow(_buffer, count);
                    result = await _socket.ReceiveAsync(_buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        Closed($"server closed: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                        return;
                    }

                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (IsLive)
                    await OnLiveMessageAsync(count);
                else
                    OnSetupFrame(_buffer.AsSpan(0, count));
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

    private ValueTask OnLiveMessageAsync(int count)
    {
        var message = _buffer.AsSpan(0, count);
        OnFrames(message, _gateway ? BenchPayload.OffsetKey : BenchPayload.IdKey);

        // The gateway closes connections that stay silent past heartbeat + pong timeout: answer its pings.
        return _gateway && message.IndexOf(BenchPayload.PingFrame) >= 0
            ? _socket.SendAsync(BenchPayload.PongFrame.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)
            : ValueTask.CompletedTask;
    }
}
