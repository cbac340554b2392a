using OrleansRealtime.Channels;
using OrleansRealtime.Presence;

namespace OrleansRealtime.Rooms;

/// <summary>A room's state for the admin API: its members with their presence and the position of its log.</summary>
[GenerateSerializer, Immutable, Alias("rt.RoomInfo")]
public sealed record RoomInfo(
    [property: Id(0)] string Room,
    [property: Id(1)] IReadOnlyList<UserPresence> Members,
    [property: Id(2)] ChannelPosition Position);
