using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OrleansRealtime.Bench.Rooms;

/// <summary>
/// One room member of the rooms bench: a WebSocket client that answers pings, completes requests by id, and counts
/// the room's frames as they arrive (room messages, presence joins, and the arrival time of each presence status).
/// Frames are scanned with <see cref="Utf8JsonReader"/> (top-level properties only), so the generator stays cheap.
/// </summary>
internal sealed class RoomMember : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _pending = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Task _receiving;
    private int _nextId;
    private long _messages;
    private long _joins;

    private RoomMember(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Room messages received.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Presence <c>join</c> records received.</summary>
    public long Joins => Interlocked.Read(ref _joins);

    /// <summary>Called with the arrival timestamp of each presence record carrying a status other than join/leave.</summary>
    public Action<string, long>? StatusSeen { get; set; }

    public static async Task<RoomMember> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, cancellationToken);
        return new RoomMember(socket);
    }

    /// <summary>Sends a frame (JSON without <c>id</c>, ending in <c>}</c>) with a fresh id; completes with the answer's type.</summary>
    public async Task<string> RequestAsync(string frameWithoutId)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await SendAsync(string.Concat(frameWithoutId.AsSpan(0, frameWithoutId.Length - 1), $",\"id\":{id}}}"));
        return await answer.Task;
    }

    private async Task SendAsync(string text)
    {
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                    return;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                    continue;

                var now = Stopwatch.GetTimestamp();
                await HandleAsync(message.GetBuffer().AsMemory(0, (int)message.Length), now);
                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            foreach (var pending in _pending.Values)
                pending.TrySetException(new InvalidOperationException("the connection ended"));
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> frame, long now)
    {
        var (type, id, status) = Scan(frame.Span);
        switch (type)
        {
            case "room":
                Interlocked.Increment(ref _messages);
                break;
            case "presence" when status == "join":
                Interlocked.Increment(ref _joins);
                break;
            case "presence" when status is not null and not "leave":
                StatusSeen?.Invoke(status, now);
                break;
            case "ping":
                await SendAsync("""{"type":"pong"}""");
                break;
            default:
                if (id is { } answered && _pending.TryRemove(answered, out var pending))
                    pending.TrySetResult(type ?? "?");
                break;
        }
    }

    private static (string? Type, int? Id, string? Status) Scan(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? type = null, status = null;
        int? id = null;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("type"u8))
                type = reader.GetString();
            else if (name.SequenceEqual("id"u8) && reader.TokenType == JsonTokenType.Number)
                id = reader.GetInt32();
            else if (name.SequenceEqual("status"u8))
                status = reader.GetString();
            reader.Skip();
        }

        return (type, id, status);
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        _send.Dispose();
    }
}
