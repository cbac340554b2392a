using Orleans.Concurrency;

namespace OrleansRealtime.Rooms;

/// <summary>
/// The rooms that have members, for <c>GET /api/rooms</c>. Rooms report only when they gain their first member or
/// lose their last one, so a join storm costs this grain nothing. Key: <see cref="Key"/> (a single instance).
/// </summary>
[Alias("rt.IRoomDirectoryGrain")]
public interface IRoomDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "rooms";

    [Alias("set")]
    ValueTask SetOccupiedAsync(string room, bool occupied);

    [Alias("list"), AlwaysInterleave]
    ValueTask<IReadOnlyList<string>> ListAsync();
}
