using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OrleansRealtime.Testing;

/// <summary>
/// The WebSocket test client (<c>GET /ws</c>): every received message is parsed (batches are split) and queued; it
/// answers server pings like a real client unless told not to, and reports the close status the server sent.
/// </summary>
public sealed class RealtimeTestClient : RealtimeClient
{
    private readonly ClientWebSocket _socket;
    private readonly TaskCompletionSource<(WebSocketCloseStatus? Status, string? Description)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Task _receiveLoop;
    private readonly bool _answerPings;

    private RealtimeTestClient(ClientWebSocket socket, bool answerPings)
    {
        _socket = socket;
        _answerPings = answerPings;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    public WebSocketState State => _socket.State;

    /// <summary>The subprotocol the server chose, if any.</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>The upgrade response's headers, when the connect options asked to collect them.</summary>
    public IReadOnlyDictionary<string, IEnumerable<string>>? HandshakeHeaders => _socket.HttpResponseHeaders;

    /// <summary>
    /// Connects and reads the welcome frame. Like a real client, it answers server pings with a pong unless
    /// <paramref name="answerPings"/> is false (the ping frames are still queued for tests that look at them).
    /// </summary>
    public static async Task<RealtimeTestClient> ConnectAsync(
        Uri uri, TimeSpan? timeout = null, bool answerPings = true, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
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
        await client.ReadWelcomeAsync(timeout);
        return client;
    }

    public override async Task SendTextAsync(string text) => await SendBytesAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

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
                    Received(root);
                    if (_answerPings && IsPing(root))
                        await SendTextAsync("""{"type":"pong"}""");
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
            var closed = _closed.Task.IsCompleted ? _closed.Task.Result : default;
            End($"{(int?)closed.Status} {closed.Description}");
        }
    }

    private static bool IsPing(JsonElement frame) =>
        frame.ValueKind == JsonValueKind.Array
            ? frame.EnumerateArray().Any(IsPing)
            : frame.TryGetProperty("type", out var type) && type.ValueEquals("ping"u8);

    /// <summary>Drops the connection without a close handshake (a client that vanished).</summary>
    public override void Abort() => _socket.Abort();

    public override async ValueTask DisposeAsync()
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
