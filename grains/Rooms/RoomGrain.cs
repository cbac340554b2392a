using OrleansRealtime.Channels;
using OrleansRealtime.Presence;

namespace OrleansRealtime.Rooms;

/// <summary>
/// A room's membership (see <see cref="IRoomGrain"/>). Each change is appended to the room's log before it takes
/// effect here, so the snapshot a joiner gets and the log position it follows from agree.
/// </summary>
internal sealed class RoomGrain([PersistentState("room")] IPersistentState<RoomState> persisted) : Grain, IRoomGrain
{
    private string _room = string.Empty;

    private Dictionary<string, UserPresence> Members => persisted.State.Members;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _room = this.GetPrimaryKeyString();
        return Task.CompletedTask;
    }

    public async ValueTask<RoomJoin> AddMemberAsync(UserPresence presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        if (Members.ContainsKey(presence.User))
            return new RoomJoin([.. Members.Values], await Log().GetPositionAsync());

        var position = await AppendAsync(InternalLogs.JoinEvent, presence.User, PresenceJson.Member(presence.User));
        Members[presence.User] = presence;
        await persisted.WriteStateAsync();
        if (Members.Count == 1)
            await Directory().SetOccupiedAsync(_room, occupied: true);
        return new RoomJoin([.. Members.Values], position);
    }

    public async ValueTask<bool> RemoveMemberAsync(string user)
    {
        if (!Members.ContainsKey(user))
            return false;

        await AppendAsync(InternalLogs.LeaveEvent, user, PresenceJson.Member(user));
        Members.Remove(user);
        await persisted.WriteStateAsync();
        if (Members.Count == 0)
            await Directory().SetOccupiedAsync(_room, occupied: false);
        return true;
    }

    public async ValueTask UpdatePresenceAsync(UserPresence presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        if (!Members.ContainsKey(presence.User))
            return;

        await AppendAsync(InternalLogs.PresenceEvent, presence.User, PresenceJson.Presence(presence));
        Members[presence.User] = presence;
        await persisted.WriteStateAsync();
    }

    public async ValueTask<RoomInfo> GetInfoAsync()
    {
        var members = Members.Values.ToList();
        return new RoomInfo(_room, members, await Log().GetPositionAsync());
    }

    private async Task<ChannelPosition> AppendAsync(string eventName, string user, byte[] data) =>
        await Log().PublishAsync(new PublishRequest(data, user, MessagePriority.High, eventName));

    private IChannelGrain Log() => GrainFactory.GetGrain<IChannelGrain>(InternalLogs.Room(_room));

    private IRoomDirectoryGrain Directory() => GrainFactory.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key);
}
