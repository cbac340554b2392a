namespace OrleansRealtime.Rooms;

/// <summary>The room directory's persisted state: the names of occupied rooms.</summary>
[GenerateSerializer, Alias("rt.RoomDirectoryState")]
public sealed class RoomDirectoryState
{
    [Id(0)]
    public HashSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);
}
