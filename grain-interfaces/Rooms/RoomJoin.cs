using OrleansRealtime.Channels;
using OrleansRealtime.Presence;

namespace OrleansRealtime.Rooms;

/// <summary>
/// The answer to a join: the members with their presence as of <paramref name="Position"/> of the room's log. Every
/// membership or presence change after it is in the log after that position, so a joiner that follows the log from
/// there misses none.
/// </summary>
[GenerateSerializer, Immutable, Alias("rt.RoomJoin")]
public sealed record RoomJoin(
    [property: Id(0)] IReadOnlyList<UserPresence> Members,
    [property: Id(1)] ChannelPosition Position);
