using OrleansRealtime.Presence;

namespace OrleansRealtime.Rooms;

/// <summary>A room grain's persisted state: its members with their last known presence.</summary>
[GenerateSerializer, Alias("rt.RoomState")]
public sealed class RoomState
{
    [Id(0)]
    public Dictionary<string, UserPresence> Members { get; set; } = new(StringComparer.Ordinal);
}
