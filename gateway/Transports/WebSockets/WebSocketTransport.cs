using System.Buffers;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Transports.WebSockets;

/// <summary>
/// <c>GET /ws</c>: JSON text frames in both directions. One read loop feeds received messages to the session; one
/// writer loop drains the session's queue (as single frames, or as JSON arrays with <c>?batch=true</c>) and ends the
/// connection with the session's close reason as the WebSocket close status.
/// </summary>
internal sealed partial class WebSocketTransport(
    SessionServices services,
    ClientIdentityResolver identity,
    IOptions<TransportOptions> options,
    ILogger<WebSocketTransport> logger)
{
    /// <summary>The endpoint's path.</summary>
    public const string Path = "/ws";

    /// <summary>How long a client gets to answer our close frame before the socket is aborted.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    /// <summary>A batch sent with <c>?batch=true</c> holds at most this many frames or about this many bytes.</summary>
    private const int MaxBatchFrames = 128;
    private const int MaxBatchBytes = 256 * 1024;

    /// <summary>The pooled buffer a message is first read into; larger messages grow it up to the frame limit.</summary>
    private const int ReceiveBufferBytes = 4096;

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Problems.WriteAsync(context, ErrorCode.BadRequest, "GET /ws expects a WebSocket upgrade request");
            return;
        }

        Session session;
        try
        {
            session = services.Sessions.Open(await identity.ResolveAsync(context), TransportKind.WebSocket, services);
        }
        catch (ProtocolException ex)
        {
            await Problems.WriteAsync(context, ex.Code, ex.Message);
            return;
        }

        try
        {
            // permessage-deflate is used only when enabled here and offered by the client.
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                DangerousEnableCompression = options.Value.WebSocketCompression,

                // A browser that offered its token as a subprotocol fails the handshake unless one offered
                // protocol is chosen: answer that one.
                SubProtocol = ClientIdentityResolver.SubProtocolToken(context.Request),
            });
            using var readCancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var batch = context.Request.Query["batch"] is var b && (b == "true" || b == "1");

            session.Welcome();
            var writer = WriteLoopAsync(socket, CoalescingUpgrade.StreamOf(context), session, batch, readCancellation);
            await ReadLoopAsync(socket, session, readCancellation.Token);

            // The client went away or answered our close: either way the session is over.
            session.Close(CloseReason.Normal);
            await writer;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            LogConnectionFailed(logger, ex, session.ConnectionId);
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>
    /// Reads messages and hands each to the session. Between messages the loop waits with a zero-byte receive, which
    /// returns once the next frame header arrived without holding any buffer of ours: an idle connection (most of
    /// them) then costs no receive buffer, and a pooled one is rented per message. With permessage-deflate the inflater
    /// needs a real buffer, so compressed connections keep one rented for the connection's life.
    /// </summary>
    private async Task ReadLoopAsync(WebSocket socket, Session session, CancellationToken cancellationToken)
    {
        var maxFrameBytes = services.Limits.MaxFrameBytes;
        var holdBuffer = options.Value.WebSocketCompression;
        var buffer = holdBuffer ? ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes) : null;
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                var count = 0;
                if (buffer is null)
                {
                    result = await socket.ReceiveAsync(Memory<byte>.Empty, cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                        return;
                    buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
                }
                else
                {
                    result = default;
                }

                while (!result.EndOfMessage)
                {
                    if (count == buffer.Length)
                        buffer = Grow(buffer, count, maxFrameBytes + 1);

                    result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                        return;

                    count += result.Count;
                    if (count > maxFrameBytes)
                    {
                        session.Close(CloseReason.FrameTooLarge);
                        await DiscardUntilCloseAsync(socket, buffer, cancellationToken);
                        return;
                    }
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                    session.Reject("binary frames are not supported; send each frame as JSON in a text frame");
                else
                    await session.HandleAsync(buffer.AsMemory(0, count));

                if (!holdBuffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The connection dropped or was aborted after our close frame went unanswered.
        }
        finally
        {
            if (buffer is not null)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>After refusing an oversized frame, read (and drop) until the client answers our close frame.</summary>
    private static async Task DiscardUntilCloseAsync(WebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
                return;
        }
    }

    /// <summary>
    /// Drains the session's queue to the socket, coalescing a backlog into one write (<see cref="CoalescingStream"/>).
    /// Sends pass no cancellation token: a cancelable token sends every frame
    /// down the WebSocket's slow path (an async state machine and a token registration per frame). Only a send that
    /// did not complete at once (the client's socket buffer is full) is tied to <see cref="Session.WritesAbandoned"/>,
    /// which aborts the socket as a canceled send would: the same behaviour, paid for only when a client is behind.
    /// </summary>
    private async Task WriteLoopAsync(WebSocket socket, CoalescingStream? coalescing, Session session, bool batch, CancellationTokenSource readCancellation)
    {
        var queue = session.Outbound;
        var batchBuffer = batch ? new ArrayBufferWriter<byte>(4096) : null;
        try
        {
            while (await queue.WaitToReadAsync(CancellationToken.None))
            {
                // A slow consumer is cut off at once: draining its backlog is exactly what it cannot do.
                if (session.CloseReason == CloseReason.SlowConsumer)
                    break;

                if (batchBuffer is not null)
                {
                    FillBatch(queue, batchBuffer);
                    await SendAsync(socket, batchBuffer.WrittenMemory, session.WritesAbandoned);
                    continue;
                }

                if (!queue.TryDequeue(out var frame))
                    continue;
                while (true)
                {
                    // More frames behind this one (already taken, so certain): hold it, so the backlog goes out in one
                    // write, which the last frame's send makes.
                    var more = queue.TryDequeue(out var next);
                    if (coalescing is not null)
                        coalescing.Hold = more;
                    await SendAsync(socket, frame.Utf8, session.WritesAbandoned);
                    if (!more)
                        break;
                    frame = next!;
                }
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var reason = session.CloseReason ?? CloseReason.Normal;
                using var timeout = new CancellationTokenSource(CloseGrace);
                await socket.CloseOutputAsync((WebSocketCloseStatus)reason.WebSocketStatus, reason.Code, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            LogWriteFailed(logger, ex, session.ConnectionId);
            session.Close(CloseReason.Normal);
        }
        finally
        {
            // Our close frame is out (or the socket is broken): stop waiting for the client after a grace period.
            readCancellation.CancelAfter(CloseGrace);
        }
    }

    private static ValueTask SendAsync(WebSocket socket, ReadOnlyMemory<byte> message, CancellationToken abandoned)
    {
        var send = socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        return send.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitAbandonableAsync(send, socket, abandoned);
    }

    private static async ValueTask AwaitAbandonableAsync(ValueTask send, WebSocket socket, CancellationToken abandoned)
    {
        using (abandoned.UnsafeRegister(static state => ((WebSocket)state!).Abort(), socket))
            await send;
    }

    private static void FillBatch(SendQueue queue, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        buffer.Write("["u8);
        var frames = 0;
        while (frames < MaxBatchFrames && buffer.WrittenCount < MaxBatchBytes && queue.TryDequeue(out var frame))
        {
            if (frames++ > 0)
                buffer.Write(","u8);
            buffer.Write(frame.Utf8.Span);
        }

        buffer.Write("]"u8);
    }

    private static byte[] Grow(byte[] buffer, int used, int max)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, max));
        buffer.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Debug, Message = "WebSocket connection {ConnectionId} failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "WebSocket connection {ConnectionId}: write failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string connectionId);
}
