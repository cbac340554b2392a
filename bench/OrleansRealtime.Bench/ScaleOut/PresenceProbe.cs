using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansRealtime.Bench.ScaleOut;

/// <summary>
/// Measures the time from a gateway's death to its user turning <c>offline</c>: one user connected to the gateway that
/// will die, and a watcher on another gateway that watches the user's presence and answers the gateway's pings.
/// </summary>
internal sealed class PresenceProbe : IDisposable
{
    private readonly ClientWebSocket _user = new();
    private readonly ClientWebSocket _watcher = new();
    private readonly string _userId = $"probe-{Guid.NewGuid():N}";
    private readonly TaskCompletionSource _online = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _offline = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Connects the user to <paramref name="doomed"/> and the watcher to <paramref name="watcher"/>; returns once the watcher sees the user online.</summary>
    public static async Task<PresenceProbe> StartAsync(Uri doomed, Uri watcher, CancellationToken cancellationToken)
    {
        var probe = new PresenceProbe();
        try
        {
            await probe._watcher.ConnectAsync(watcher, cancellationToken);
            _ = Task.Run(probe.WatchAsync, CancellationToken.None);
            var watch = new JsonObject { ["id"] = 1, ["type"] = "presence.get", ["users"] = new JsonArray(probe._userId), ["watch"] = true };
            await probe._watcher.SendAsync(Encoding.UTF8.GetBytes(watch.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken);
            await probe._user.ConnectAsync(new Uri($"{doomed}?user={probe._userId}"), cancellationToken);
            await probe._online.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return probe;
        }
        catch
        {
            probe.Dispose();
            throw;
        }
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the watcher saw the user go offline.</summary>
    public Task<long> OfflineAt => _offline.Task;

    public void Dispose()
    {
        _user.Abort();
        _watcher.Abort();
        _user.Dispose();
        _watcher.Dispose();
    }

    private async Task WatchAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _watcher.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                        throw new InvalidOperationException($"the watcher's gateway closed it: {_watcher.CloseStatusDescription}");
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                await OnFrameAsync(buffer.AsMemory(0, count));
            }
        }
        catch (Exception ex)
        {
            _online.TrySetException(ex);
            _offline.TrySetException(ex);
        }
    }

    private async Task OnFrameAsync(ReadOnlyMemory<byte> frame)
    {
        using var document = JsonDocument.Parse(frame);
        var root = document.RootElement;
        switch (root.GetProperty("type").GetString())
        {
            case "ping":
                await _watcher.SendAsync("{\"type\":\"pong\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
                break;
            case "ack" when root.TryGetProperty("presence", out var presence):
                // The user may have connected before the watch was in place: then the answer already says online.
                if (presence.EnumerateArray().Any(p => p.GetProperty("status").GetString() == "online"))
                    _online.TrySetResult();
                break;
            case "presence" when root.GetProperty("user").GetString() == _userId && !root.TryGetProperty("room", out _):
                var status = root.GetProperty("status").GetString();
                if (status == "online")
                    _online.TrySetResult();
                else if (status == "offline" && _online.Task.IsCompleted)
                    _offline.TrySetResult(Stopwatch.GetTimestamp());
                break;
        }
    }
}
