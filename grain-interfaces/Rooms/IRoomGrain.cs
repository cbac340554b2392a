using Orleans.Concurrency;
using OrleansRealtime.Presence;

namespace OrleansRealtime.Rooms;

/// <summary>
/// A room's membership: users (not connections) with their presence. Membership and presence changes are appended
/// to the room's log (<see cref="Channels.InternalLogs.Room"/>) as <c>$join</c>, <c>$leave</c> and <c>$presence</c>
/// events, so members see them in one order with the room's messages. Room messages themselves go straight to the
/// log's channel grain. Only <see cref="IUserGrain"/> changes membership (it knows the user's connections).
/// Key: the room name (a valid <see cref="Channels.ChannelName"/>).
/// </summary>
[Alias("rt.IRoomGrain")]
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>Adds a member (a <c>$join</c> event); a user who is already a member only gets the snapshot.</summary>
    [Alias("add")]
    ValueTask<RoomJoin> AddMemberAsync(UserPresence presence);

    /// <summary>Removes a member (a <c>$leave</c> event); false when the user was not a member.</summary>
    [Alias("remove")]
    ValueTask<bool> RemoveMemberAsync(string user);

    /// <summary>A member's presence changed (a <c>$presence</c> event); ignored for a non-member.</summary>
    [Alias("presence")]
    ValueTask UpdatePresenceAsync(UserPresence presence);

    [Alias("info"), AlwaysInterleave]
    ValueTask<RoomInfo> GetInfoAsync();
}
