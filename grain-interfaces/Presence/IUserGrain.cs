using Orleans.Concurrency;
using OrleansRealtime.Rooms;

namespace OrleansRealtime.Presence;

/// <summary>
/// One user across every connection on every gateway: presence (online while any connection's gateway holds its
/// lease; status, custom state, last seen), the rooms each connection joined (a user is a room member while at least
/// one of their connections is in it), and direct messages with the offline inbox.
/// Key: the user id (a valid <see cref="Channels.ChannelName"/>).
/// </summary>
[Alias("rt.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>A connection opened on a gateway; the user is online from now. Answers the inbox it takes over.</summary>
    [Alias("connect")]
    ValueTask<InboxDelivery> ConnectAsync(string connectionId, string gatewayId);

    /// <summary>A connection closed: it leaves its rooms; the last one makes the user offline.</summary>
    [Alias("disconnect")]
    ValueTask DisconnectAsync(string connectionId);

    /// <summary>A gateway's lease expired (or it no longer reports this user): its connections are gone.</summary>
    [Alias("gateway-lost")]
    ValueTask GatewayLostAsync(string gatewayId);

    /// <summary>A connection joins a room; the user becomes a member with their first connection in it.</summary>
    [Alias("join-room")]
    ValueTask<RoomJoin> JoinRoomAsync(string connectionId, string room);

    /// <summary>A connection leaves a room; the user stops being a member with their last connection in it.</summary>
    [Alias("leave-room")]
    ValueTask LeaveRoomAsync(string connectionId, string room);

    /// <summary>Removes the user from a room whatever their connections (admin); false when they were not a member.</summary>
    [Alias("remove-from-room")]
    ValueTask<bool> RemoveFromRoomAsync(string room);

    /// <summary>Sets status and custom state (null clears it); the change reaches the user's rooms and watchers.</summary>
    [Alias("set-presence")]
    ValueTask<UserPresence> SetPresenceAsync(PresenceStatus status, byte[]? state);

    [Alias("presence"), AlwaysInterleave]
    ValueTask<UserPresence> GetPresenceAsync();

    /// <summary>Sends a direct message to this user: live to every connection, or into the inbox while offline.</summary>
    [Alias("direct")]
    ValueTask<DirectReceipt> SendDirectAsync(byte[] data, string? from);

    [Alias("inbox")]
    ValueTask<InboxStatus> GetInboxAsync();
}
