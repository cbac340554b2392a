using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace OrleansRealtime.Testing;

/// <summary>
/// A WebSocket client that speaks the realtime protocol for tests: every received frame (batches are split) is
/// parsed and queued in arrival order; requests wait for the answer carrying their id while other frames stay
/// queued in order. Every wait has a timeout that fails with a message saying what was awaited.
/// </summary>
public sealed class RealtimeTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _inbox = Channel.CreateUnbounded<JsonElement>();
    private readonly LinkedList<JsonElement> _stash = new();
    private readonly TaskCompletionSource<(WebSocketCloseStatus? Status, string? Description)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Task _receiveLoop;
    private readonly bool _answerPings;
    private int _nextId;

    private RealtimeTestClient(ClientWebSocket socket, bool answerPings)
    {
        _socket = socket;
        _answerPings = answerPings;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The welcome frame, read as the first frame of the connection.</summary>
    public JsonElement Welcome { get; private set; }

    public string ConnectionId => Welcome.GetProperty("connectionId").GetString()!;

    public string UserId => Welcome.GetProperty("userId").GetString()!;

    public WebSocketState State => _socket.State;

    /// <summary>
    /// Connects and reads the welcome frame. Like a real client, it answers server pings with a pong unless
    /// <paramref name="answerPings"/> is false (the ping frames are still queued for tests that look at them).
    /// </summary>
    public static async Task<RealtimeTestClient> ConnectAsync(Uri uri, TimeSpan? timeout = null, bool answerPings = true)
    {
        var socket = new ClientWebSocket();
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await socket.ConnectAsync(uri, cts.Token);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            throw new InvalidOperationException($"connecting to {uri} failed: {ex.Message}", ex);
        }

        var client = new RealtimeTestClient(socket, answerPings);
        client.Welcome = await client.NextAsync(timeout);
        if (client.Welcome.GetProperty("type").GetString() != "welcome")
            throw new InvalidOperationException($"first frame was not welcome: {client.Welcome}");
        return client;
    }

    public Task SendAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public async Task SendTextAsync(string text) => await SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a frame with a fresh numeric id and returns the answer carrying that id.</summary>
    public async Task<JsonElement> RequestAsync(JsonObject frame, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        frame["id"] = id;
        await SendTextAsync(frame.ToJsonString());
        return await NextAsync(f => f.TryGetProperty("id", out var answerId) && answerId.ValueKind == JsonValueKind.Number && answerId.GetInt32() == id,
            $"the answer to {frame.ToJsonString()}", timeout);
    }

    /// <summary>Subscribes and returns the ack, failing if the answer is an error.</summary>
    public async Task<JsonElement> SubscribeAsync(string channel, long? sinceOffset = null, string? sinceEpoch = null)
    {
        var frame = new JsonObject { ["type"] = "subscribe", ["channel"] = channel };
        if (sinceOffset is { } offset)
            frame["since"] = new JsonObject { ["offset"] = offset, ["epoch"] = sinceEpoch };
        return ExpectAck(await RequestAsync(frame));
    }

    /// <summary>Publishes and returns the ack, failing if the answer is an error.</summary>
    public async Task<JsonElement> PublishAsync(string channel, JsonNode? data, string? priority = null)
    {
        var frame = new JsonObject { ["type"] = "publish", ["channel"] = channel, ["data"] = data };
        if (priority is not null)
            frame["priority"] = priority;
        return ExpectAck(await RequestAsync(frame));
    }

    /// <summary>Publishes the numbers 1..<paramref name="count"/> in order; returns the channel's epoch.</summary>
    public async Task<string> PublishNumbersAsync(string channel, int count)
    {
        var epoch = string.Empty;
        for (var n = 1; n <= count; n++)
            epoch = (await PublishAsync(channel, n)).GetProperty("epoch").GetString()!;
        return epoch;
    }

    public static JsonElement ExpectAck(JsonElement answer)
    {
        if (answer.GetProperty("type").GetString() != "ack")
            throw new InvalidOperationException($"expected an ack, got {answer}");
        return answer;
    }

    /// <summary>The next frame in arrival order.</summary>
    public Task<JsonElement> NextAsync(TimeSpan? timeout = null) => NextAsync(_ => true, "any frame", timeout);

    /// <summary>
    /// The first queued or arriving frame that matches; frames passed over stay queued, in order, for later reads.
    /// </summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match, string what, TimeSpan? timeout = null)
    {
        for (var node = _stash.First; node is not null; node = node.Next)
        {
            if (match(node.Value))
            {
                _stash.Remove(node);
                return node.Value;
            }
        }

        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var frame = await _inbox.Reader.ReadAsync(cts.Token);
                if (match(frame))
                    return frame;
                _stash.AddLast(frame);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds:F0} s waiting for {what}; queued: {string.Join(" | ", _stash.Take(5))}");
        }
        catch (ChannelClosedException)
        {
            var closed = _closed.Task.IsCompleted ? _closed.Task.Result : default;
            throw new InvalidOperationException($"connection closed ({closed.Status} {closed.Description}) while waiting for {what}");
        }
    }

    /// <summary>The next <paramref name="count"/> <c>message</c> frames of a channel, in arrival order.</summary>
    public async Task<List<JsonElement>> MessagesAsync(string channel, int count, TimeSpan? timeout = null)
    {
        var messages = new List<JsonElement>(count);
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (messages.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"received {messages.Count} of {count} messages on '{channel}'");
            messages.Add(await NextAsync(
                f => f.GetProperty("type").GetString() == "message" && f.GetProperty("channel").GetString() == channel,
                $"message {messages.Count + 1} of {count} on '{channel}'",
                left));
        }

        return messages;
    }

    /// <summary>Waits until the server closes the connection; returns its close status and description.</summary>
    public async Task<(WebSocketCloseStatus? Status, string? Description)> ClosedAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await _closed.Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the server did not close the connection within {(timeout ?? DefaultTimeout).TotalSeconds:F0} s");
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult((result.CloseStatus, result.CloseStatusDescription));
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                    continue;

                using (var document = JsonDocument.Parse(message.ToArray()))
                {
                    var root = document.RootElement;
                    if (root.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var frame in root.EnumerateArray())
                            await ReceivedAsync(frame.Clone());
                    }
                    else
                    {
                        await ReceivedAsync(root.Clone());
                    }
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _closed.TrySetResult((_socket.CloseStatus, _socket.CloseStatusDescription ?? ex.Message));
        }
        finally
        {
            _inbox.Writer.TryComplete();
        }
    }

    private async Task ReceivedAsync(JsonElement frame)
    {
        _inbox.Writer.TryWrite(frame);
        if (_answerPings && frame.TryGetProperty("type", out var type) && type.ValueEquals("ping"u8))
            await SendTextAsync("""{"type":"pong"}""");
    }

    /// <summary>Drops the connection without a close handshake (a client that vanished).</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
                await _closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
            {
            }
        }

        _socket.Abort();
        await _receiveLoop;
        _socket.Dispose();
        _sendLock.Dispose();
    }
}
