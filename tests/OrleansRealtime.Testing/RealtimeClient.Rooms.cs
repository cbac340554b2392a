using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansRealtime.Testing;

/// <summary>Requests and waits of rooms, presence, direct messages and patterns.</summary>
public abstract partial class RealtimeClient
{
    /// <summary>Joins a room and returns the ack (with <c>members</c>), failing if the answer is an error.</summary>
    public async Task<JsonElement> JoinAsync(string room, long? sinceOffset = null, string? sinceEpoch = null)
    {
        var frame = new JsonObject { ["type"] = "join", ["room"] = room };
        if (sinceOffset is { } offset)
            frame["since"] = new JsonObject { ["offset"] = offset, ["epoch"] = sinceEpoch };
        return ExpectAck(await RequestAsync(frame));
    }

    public async Task<JsonElement> LeaveAsync(string room) =>
        ExpectAck(await RequestAsync(new JsonObject { ["type"] = "leave", ["room"] = room }));

    public async Task<JsonElement> SendToRoomAsync(string room, JsonNode? data, string? eventName = null)
    {
        var frame = new JsonObject { ["type"] = "room.send", ["room"] = room, ["data"] = data };
        if (eventName is not null)
            frame["event"] = eventName;
        return ExpectAck(await RequestAsync(frame));
    }

    public async Task<JsonElement> SendDirectAsync(string to, JsonNode? data) =>
        ExpectAck(await RequestAsync(new JsonObject { ["type"] = "direct", ["to"] = to, ["data"] = data }));

    public async Task<JsonElement> SetPresenceAsync(string status, JsonObject? state = null) =>
        ExpectAck(await RequestAsync(new JsonObject { ["type"] = "presence.set", ["status"] = status, ["state"] = state }));

    /// <summary>The <c>presence</c> array of a <c>presence.get</c> ack.</summary>
    public async Task<JsonElement> GetPresenceAsync(IEnumerable<string> users, bool watch = false)
    {
        var frame = new JsonObject { ["type"] = "presence.get", ["users"] = new JsonArray([.. users.Select(u => (JsonNode)u)]) };
        if (watch)
            frame["watch"] = true;
        return ExpectAck(await RequestAsync(frame)).GetProperty("presence");
    }

    public async Task<JsonElement> SubscribePatternAsync(string pattern, JsonObject? filter = null)
    {
        var frame = new JsonObject { ["type"] = "subscribe", ["pattern"] = pattern };
        if (filter is not null)
            frame["filter"] = filter;
        return ExpectAck(await RequestAsync(frame));
    }

    /// <summary>The next frame of a room: a <c>room</c> message or a <c>presence</c> event carrying the room.</summary>
    public Task<JsonElement> NextInRoomAsync(string room, TimeSpan? timeout = null) =>
        NextAsync(f => f.TryGetProperty("room", out var r) && r.GetString() == room && f.GetProperty("type").GetString() is "room" or "presence",
            $"a frame of room '{room}'", timeout);

    /// <summary>The next <c>direct</c> frame.</summary>
    public Task<JsonElement> NextDirectAsync(TimeSpan? timeout = null) => NextOfTypeAsync("direct", timeout);

    /// <summary>The next presence change of a watched user (a <c>presence</c> frame without a room).</summary>
    public Task<JsonElement> NextWatchedPresenceAsync(string user, TimeSpan? timeout = null) =>
        NextAsync(f => f.GetProperty("type").GetString() == "presence" && !f.TryGetProperty("room", out _) && f.GetProperty("user").GetString() == user,
            $"a presence change of '{user}'", timeout);
}
