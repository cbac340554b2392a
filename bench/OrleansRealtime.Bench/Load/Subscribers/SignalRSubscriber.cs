using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>
/// A subscriber on the hub <c>/hub</c> through the official SignalR client (JSON protocol, WebSockets, negotiation
/// skipped), as an application would use it: frames arrive as the <c>JsonElement</c> argument of the client method
/// <c>frame</c>, so unlike the text transports this client parses every frame (the cost any SignalR client pays). Its
/// socket comes from the shared handler, so its bytes are counted like the others'.
/// </summary>
internal sealed class SignalRSubscriber(PhaseClock clock) : Subscriber(clock)
{
    private HubConnection? _connection;

    public override async Task ConnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken)
    {
        _connection = new HubConnectionBuilder()
            .WithUrl(new Uri(endpoint.BaseUri, "/hub"), HttpTransportType.WebSockets, options =>
            {
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, ct) =>
                {
                    var socket = new ClientWebSocket();
                    socket.Options.KeepAliveInterval = TimeSpan.Zero; // SignalR pings at its own level
                    await socket.ConnectAsync(endpoint.WebSocketUri(context.Uri.PathAndQuery), endpoint.Invoker, ct);
                    return socket;
                };
            })
            .Build();
        _connection.On<JsonElement>("frame", OnFrame);
        _connection.Closed += error =>
        {
            Closed(error is null ? "hub connection closed" : $"hub connection closed: {error.Message}");
            return Task.CompletedTask;
        };

        await _connection.StartAsync(cancellationToken);
        await WaitWelcomedAsync(cancellationToken);
        var ack = await _connection.InvokeAsync<JsonElement>("Subscribe", new { channel = BenchPayload.Channel }, cancellationToken);
        OnSetupFrame(JsonSerializer.SerializeToUtf8Bytes(ack));
        await WaitSubscribedAsync(cancellationToken);
    }

    public override void Dispose()
    {
        Closed("closed by the bench");
        _ = _connection?.DisposeAsync().AsTask();
    }

    private void OnFrame(JsonElement frame)
    {
        if (!IsLive)
        {
            OnSetupFrame(JsonSerializer.SerializeToUtf8Bytes(frame));
            return;
        }

        if (frame.TryGetProperty("offset"u8, out var offset) && frame.TryGetProperty("data"u8, out var data) && data.TryGetProperty("t"u8, out var sentAt))
            OnMessage(offset.GetInt64(), sentAt.GetInt64(), Stopwatch.GetTimestamp());
    }
}
