namespace OrleansRealtime.Rooms;

/// <summary>The occupied rooms (see <see cref="IRoomDirectoryGrain"/>), persisted so a reactivation still lists them.</summary>
internal sealed class RoomDirectoryGrain([PersistentState("rooms")] IPersistentState<RoomDirectoryState> persisted) : Grain, IRoomDirectoryGrain
{
    public async ValueTask SetOccupiedAsync(string room, bool occupied)
    {
        var changed = occupied ? persisted.State.Rooms.Add(room) : persisted.State.Rooms.Remove(room);
        if (changed)
            await persisted.WriteStateAsync();
    }

    public ValueTask<IReadOnlyList<string>> ListAsync() =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. persisted.State.Rooms.Order(StringComparer.Ordinal)]);
}
