using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansRealtime.Testing;

/// <summary>
/// The SignalR test client, on the official <c>Microsoft.AspNetCore.SignalR.Client</c> over a chosen transport: a frame
/// sent as text becomes the hub method named by its <c>type</c> with the rest of the object as the argument, and the
/// invocation's result (the answering frame) is queued like any other received frame; <c>frame</c> calls from the
/// server are queued as they arrive.
/// </summary>
public sealed class SignalRTestClient : RealtimeClient
{
    private static readonly Dictionary<string, string> Methods = new(StringComparer.Ordinal)
    {
        ["subscribe"] = "Subscribe",
        ["unsubscribe"] = "Unsubscribe",
        ["publish"] = "Publish",
        ["history"] = "History",
        ["ping"] = "Ping",
        ["join"] = "Join",
        ["leave"] = "Leave",
        ["room.send"] = "SendToRoom",
        ["direct"] = "SendDirect",
        ["presence.set"] = "SetPresence",
        ["presence.get"] = "GetPresence",
    };

    private readonly HubConnection _connection;

    private SignalRTestClient(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JsonElement>("frame", Received);
        _connection.Closed += error =>
        {
            End(error?.Message ?? "closed");
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection => _connection;

    public static async Task<SignalRTestClient> ConnectAsync(Uri baseUri, HttpTransportType transport, string query = "", TimeSpan? timeout = null)
    {
        var url = new Uri(baseUri, "/hub" + (query.Length > 0 ? "?" + query : string.Empty));
        var connection = new HubConnectionBuilder()
            .WithUrl(url, transport, options => options.SkipNegotiation = transport == HttpTransportType.WebSockets)
            .Build();
        var client = new SignalRTestClient(connection);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        await connection.StartAsync(cts.Token);
        await client.ReadWelcomeAsync(timeout);
        return client;
    }

    /// <summary>Invokes the hub method for a frame's type; the answer is queued (so ids match as on other transports).</summary>
    public override Task SendTextAsync(string text)
    {
        var frames = JsonNode.Parse(text) is JsonArray array ? array.Select(n => n!.AsObject()).ToList() : [JsonNode.Parse(text)!.AsObject()];
        foreach (var frame in frames)
        {
            var type = frame["type"]?.GetValue<string>() ?? throw new InvalidOperationException($"no type in {frame}");
            frame.Remove("type");
            _ = InvokeAndQueueAsync(Methods[type], JsonSerializer.SerializeToElement(frame));
        }

        return Task.CompletedTask;
    }

    /// <summary>Invokes a hub method with any argument and returns the answering frame.</summary>
    public Task<JsonElement> InvokeAsync(string method, object? argument) => _connection.InvokeAsync<JsonElement>(method, argument);

    public override void Abort() => _ = _connection.StopAsync();

    public override async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private async Task InvokeAndQueueAsync(string method, JsonElement argument)
    {
        try
        {
            Received(await _connection.InvokeAsync<JsonElement>(method, argument));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            End($"invocation of {method} failed: {ex.Message}");
        }
    }
}
