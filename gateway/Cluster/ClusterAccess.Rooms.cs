using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Patterns;
using OrleansRealtime.Presence;
using OrleansRealtime.Rooms;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>Grain calls of rooms, presence, direct messages and patterns, with the same error mapping as channels.</summary>
internal sealed partial class ClusterAccess
{
    public IUserGrain User(string user) => Client.GetGrain<IUserGrain>(user);

    public IRoomGrain Room(string room) => Client.GetGrain<IRoomGrain>(room);

    public ValueTask<InboxDelivery> ConnectUserAsync(string user, string connectionId, string gatewayId) =>
        CallAsync(User(user).ConnectAsync(connectionId, gatewayId), "connect", user);

    public ValueTask<bool> DisconnectUserAsync(string user, string connectionId) =>
        CallAsync(Done(User(user).DisconnectAsync(connectionId)), "disconnect", user);

    public ValueTask<RoomJoin> JoinRoomAsync(string user, string connectionId, string room) =>
        CallAsync(User(user).JoinRoomAsync(connectionId, room), "join", room);

    public ValueTask<bool> LeaveRoomAsync(string user, string connectionId, string room) =>
        CallAsync(Done(User(user).LeaveRoomAsync(connectionId, room)), "leave", room);

    public ValueTask<bool> RemoveFromRoomAsync(string user, string room) =>
        CallAsync(User(user).RemoveFromRoomAsync(room), "remove-member", room);

    public ValueTask<RoomInfo> GetRoomAsync(string room) => CallAsync(Room(room).GetInfoAsync(), "room", room);

    public ValueTask<IReadOnlyList<string>> ListRoomsAsync() =>
        CallAsync(Client.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key).ListAsync(), "rooms", IRoomDirectoryGrain.Key);

    public ValueTask<ChannelPosition> SendToRoomAsync(string room, PublishRequest request) =>
        CallAsync(Channel(InternalLogs.Room(room)).PublishAsync(request), "room.send", room);

    public ValueTask<UserPresence> SetPresenceAsync(string user, PresenceStatus status, byte[]? state) =>
        CallAsync(User(user).SetPresenceAsync(status, state), "presence.set", user);

    public async Task<UserPresence[]> GetPresenceAsync(IEnumerable<string> users) =>
        await Task.WhenAll(users.Select(user => CallAsync(User(user).GetPresenceAsync(), "presence", user).AsTask()));

    public ValueTask<DirectReceipt> SendDirectAsync(string to, byte[] data, string? from) =>
        CallAsync(User(to).SendDirectAsync(data, from), "direct", to);

    public ValueTask<InboxStatus> GetInboxAsync(string user) => CallAsync(User(user).GetInboxAsync(), "inbox", user);

    public ValueTask<bool> RenewPresenceLeaseAsync(string gatewayId, IReadOnlyCollection<string> users) =>
        CallAsync(Done(Client.GetGrain<IGatewayLeaseGrain>(gatewayId).RenewAsync(users)), "renew", gatewayId);

    /// <summary>The gateway is shutting down: its users lose its connections now rather than when the lease lapses.</summary>
    public ValueTask<bool> ReleasePresenceLeaseAsync(string gatewayId) =>
        CallAsync(Done(Client.GetGrain<IGatewayLeaseGrain>(gatewayId).ReleaseAsync()), "release", gatewayId);

    public ValueTask<TimeSpan> RegisterPatternAsync(string pattern, string gatewayId) =>
        CallAsync(Patterns().RegisterAsync(pattern, gatewayId), "register-pattern", pattern);

    public ValueTask<bool> UnregisterPatternAsync(string pattern, string gatewayId) =>
        CallAsync(Done(Patterns().UnregisterAsync(pattern, gatewayId)), "unregister-pattern", pattern);

    private IPatternRegistryGrain Patterns() => Client.GetGrain<IPatternRegistryGrain>(IPatternRegistryGrain.Key);

    /// <summary>What a subscriber waiting on a feed's start is told: a cluster that cannot be reached is <c>unavailable</c>.</summary>
    public static Exception AsProtocolError(Exception ex) =>
        IsUnavailable(ex) && ex is not ProtocolException ? new ProtocolException(ErrorCode.Unavailable, "the cluster is unavailable, retry shortly", ex) : ex;

    /// <summary>A call without a result, as one with a result (true), so it goes through the same error mapping.</summary>
    private static async ValueTask<bool> Done(ValueTask call)
    {
        await call;
        return true;
    }
}
