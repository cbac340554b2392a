namespace OrleansRealtime.Channels;

/// <summary>
/// Names of the channel-like logs behind rooms, direct messages and presence. Each is an ordinary channel (a
/// <see cref="IChannelGrain"/> with offsets, epochs, history and one stream per gateway) whose name starts with
/// <c>$</c>, a character <see cref="ChannelName"/> never accepts: clients cannot subscribe or publish to them by name,
/// and the gateway delivers them through the same gap-free feed as channels, rendered as their own frames.
/// </summary>
public static class InternalLogs
{
    public const string RoomPrefix = "$room.";
    public const string DirectPrefix = "$user.";
    public const string PresencePrefix = "$presence.";

    /// <summary>Event of a member joining a room (data: <c>{"user"}</c>).</summary>
    public const string JoinEvent = "$join";

    /// <summary>Event of a member leaving a room (data: <c>{"user"}</c>).</summary>
    public const string LeaveEvent = "$leave";

    /// <summary>Event of a presence change (data: <c>{"user","status","lastSeen","state"}</c>).</summary>
    public const string PresenceEvent = "$presence";

    /// <summary>The log of a room: its messages and its members' join, leave and presence events, in one order.</summary>
    public static string Room(string room) => RoomPrefix + room;

    /// <summary>The log of a user's direct messages: delivered live to each connection, and the offline inbox.</summary>
    public static string Direct(string user) => DirectPrefix + user;

    /// <summary>The log of a user's presence changes, for those who watch the user.</summary>
    public static string Presence(string user) => PresencePrefix + user;

    /// <summary>True for a reserved event name (<c>$…</c>): room messages from clients may not use them.</summary>
    public static bool IsReservedEvent(string name) => name.StartsWith('$');
}
