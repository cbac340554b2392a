using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace OrleansRealtime.Testing;

/// <summary>
/// What every transport's test client shares: received frames are queued in arrival order; requests wait for the
/// answer carrying their id while other frames stay queued in order. Every wait has a timeout that fails with a
/// message saying what was awaited. A transport supplies only how text is sent and how frames arrive.
/// </summary>
public abstract partial class RealtimeClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly Channel<JsonElement> _inbox = Channel.CreateUnbounded<JsonElement>();
    private readonly LinkedList<JsonElement> _stash = new();
    private readonly TaskCompletionSource<string?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    /// <summary>The welcome frame, read as the first frame of the connection.</summary>
    public JsonElement Welcome { get; private set; }

    public string ConnectionId => Welcome.GetProperty("connectionId").GetString()!;

    public string UserId => Welcome.GetProperty("userId").GetString()!;

    /// <summary>Completes when the transport ended (with a description of why, where the transport has one).</summary>
    public Task<string?> Ended => _ended.Task;

    /// <summary>Sends one transport message: a frame or a JSON array of frames.</summary>
    public abstract Task SendTextAsync(string text);

    /// <summary>Drops the connection without saying goodbye (a client that vanished).</summary>
    public abstract void Abort();

    public abstract ValueTask DisposeAsync();

    public Task SendAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

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
            var why = _ended.Task.IsCompleted ? _ended.Task.Result : null;
            throw new InvalidOperationException($"connection ended ({why}) while waiting for {what}; queued: {string.Join(" | ", _stash.Take(5))}");
        }
    }

    /// <summary>The next frame of a type (e.g. <c>close</c>), passing over others.</summary>
    public Task<JsonElement> NextOfTypeAsync(string type, TimeSpan? timeout = null) =>
        NextAsync(f => f.GetProperty("type").GetString() == type, $"a '{type}' frame", timeout);

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

    /// <summary>Waits until the transport ends; returns its description of why.</summary>
    public async Task<string?> EndedAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await _ended.Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the connection did not end within {(timeout ?? DefaultTimeout).TotalSeconds:F0} s");
        }
    }

    /// <summary>Reads the welcome frame; a transport's connect method calls this once.</summary>
    protected async Task ReadWelcomeAsync(TimeSpan? timeout)
    {
        Welcome = await NextAsync(timeout);
        if (Welcome.GetProperty("type").GetString() != "welcome")
            throw new InvalidOperationException($"first frame was not welcome: {Welcome}");
    }

    /// <summary>Sets the welcome frame for transports that receive it outside the frame stream (long polling).</summary>
    protected void SetWelcome(JsonElement welcome) => Welcome = welcome;

    /// <summary>Queues a received frame (a JSON array is split into its frames).</summary>
    protected void Received(JsonElement frame)
    {
        if (frame.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in frame.EnumerateArray())
                _inbox.Writer.TryWrite(item.Clone());
            return;
        }

        _inbox.Writer.TryWrite(frame.Clone());
    }

    /// <summary>The transport ended: nothing more arrives.</summary>
    protected void End(string? why)
    {
        _ended.TrySetResult(why);
        _inbox.Writer.TryComplete();
    }
}
