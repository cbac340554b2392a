using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansRealtime.Bench.RawServer;

/// <summary>
/// The connected clients and the broadcast. A received message is copied once into one array that every
/// subscriber's bounded queue shares; a subscriber whose queue is full is cut off (a slow consumer), never awaited.
/// A client that connects with <c>?role=publisher</c> sends but is not a subscriber, as on the gateway.
/// </summary>
internal sealed partial class RawHub(ILogger logger)
{
    private const int MaxMessageBytes = 64 * 1024;

    private static readonly byte[] Welcome = "{\"type\":\"welcome\"}"u8.ToArray();

    private readonly Lock _lock = new();
    private RawConnection[] _subscribers = [];
    private long _slowConsumers;

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new RawConnection(socket, context);
        var subscriber = context.Request.Query["role"] != "publisher";
        if (subscriber)
            Add(connection);

        // Registered before the welcome goes out: a client that has its welcome receives every later broadcast.
        connection.TryEnqueue(Welcome);
        var writer = connection.WriteLoopAsync();
        try
        {
            await ReadLoopAsync(socket, context.RequestAborted);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away.
        }
        finally
        {
            if (subscriber)
                Remove(connection);
            connection.Complete();
            await writer;
        }
    }

    private async Task ReadLoopAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
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
                        if (count >= MaxMessageBytes)
                            return;
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                        return;
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Text)
                    Broadcast(buffer.AsSpan(0, count).ToArray());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Encoded once: the same array goes to every subscriber's queue.</summary>
    private void Broadcast(byte[] message)
    {
        foreach (var connection in Volatile.Read(ref _subscribers))
        {
            if (!connection.TryEnqueue(message))
            {
                LogSlowConsumer(logger, Interlocked.Increment(ref _slowConsumers));
                connection.Abort();
            }
        }
    }

    // Copy-on-write: the broadcast reads a snapshot without a lock; joins and leaves are rare.
    private void Add(RawConnection connection)
    {
        lock (_lock)
            _subscribers = [.. _subscribers, connection];
    }

    private void Remove(RawConnection connection)
    {
        lock (_lock)
            _subscribers = Array.FindAll(_subscribers, c => c != connection);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "slow consumer cut off ({Total} so far)")]
    private static partial void LogSlowConsumer(ILogger logger, long total);
}
