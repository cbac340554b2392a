using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Hubs;

/// <summary>
/// The SignalR hub at <c>/hub</c>: the same session as every other transport, reached through SignalR's own
/// transports and official clients. Each method takes one argument, the client frame's object without
/// <c>type</c>, and returns the answering frame (<c>ack</c>, <c>pong</c> or <c>error</c>); every other server frame
/// arrives through the client method <c>frame</c>. The answer travels as the invocation's result, so a client library
/// may hand it to the caller after frames that follow it on the wire (replayed messages after a subscribe ack).
/// </summary>
internal sealed class RealtimeHub(SessionServices services, ClientIdentityResolver identity, HubConnections connections) : Hub
{
    private static readonly object SessionKey = new();

    public override async Task OnConnectedAsync()
    {
        Session session;
        try
        {
            var http = Context.GetHttpContext() ?? throw new InvalidOperationException("a hub connection without an HTTP context");
            session = services.Sessions.Open(await identity.ResolveAsync(http), TransportKind.SignalR, services);
        }
        catch (ProtocolException ex)
        {
            // SignalR closes the connection and hands the client this message as the close error.
            throw new HubException($"{ex.Code.ToWire()}: {ex.Message}");
        }

        Context.Items[SessionKey] = session;
        connections.Start(Context, session);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(SessionKey, out var value) && value is Session session)
            await session.DisposeAsync();
    }

    public Task<HubFrame> Subscribe(JsonElement frame) => InvokeAsync("subscribe", frame);

    public Task<HubFrame> Unsubscribe(JsonElement frame) => InvokeAsync("unsubscribe", frame);

    public Task<HubFrame> Publish(JsonElement frame) => InvokeAsync("publish", frame);

    public Task<HubFrame> History(JsonElement frame) => InvokeAsync("history", frame);

    public Task<HubFrame> Ping(JsonElement frame) => InvokeAsync("ping", frame);

    public Task<HubFrame> Join(JsonElement frame) => InvokeAsync("join", frame);

    public Task<HubFrame> Leave(JsonElement frame) => InvokeAsync("leave", frame);

    public Task<HubFrame> SendToRoom(JsonElement frame) => InvokeAsync("room.send", frame);

    public Task<HubFrame> SendDirect(JsonElement frame) => InvokeAsync("direct", frame);

    public Task<HubFrame> SetPresence(JsonElement frame) => InvokeAsync("presence.set", frame);

    public Task<HubFrame> GetPresence(JsonElement frame) => InvokeAsync("presence.get", frame);

    private async Task<HubFrame> InvokeAsync(string type, JsonElement arguments)
    {
        var session = (Session)Context.Items[SessionKey]!;
        if (arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
            return new HubFrame(FrameWriter.Error(default, ErrorCode.BadRequest, $"the argument of {type} must be a JSON object: the frame without 'type'"));

        return new HubFrame(await session.InvokeAsync(ToFrame(type, arguments)));
    }

    /// <summary>The client frame the arguments stand for: <c>type</c> first, then the argument's own properties.</summary>
    private static ReadOnlyMemory<byte> ToFrame(string type, JsonElement arguments)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            if (arguments.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in arguments.EnumerateObject())
                {
                    if (!property.NameEquals("type"u8))
                        property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
