using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Hosting;
using OrleansRealtime.Rooms;

namespace OrleansRealtime.Presence;

/// <summary>
/// One user across all their connections (see <see cref="IUserGrain"/>). Direct messages are appended to the user's
/// direct log (<see cref="InternalLogs.Direct"/>), a channel every connection of the user follows live; the inbox is
/// the part of that log after <see cref="UserState.InboxCursor"/>, handed over to the connection that ends an offline
/// period and never again.
/// </summary>
internal sealed partial class UserGrain(
    [PersistentState("user")] IPersistentState<UserState> persisted,
    IOptions<PresenceOptions> options,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private readonly PresenceOptions _options = options.Value;
    private string _user = string.Empty;

    private UserState State => persisted.State;

    private bool Online => State.Connections.Count > 0;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _user = this.GetPrimaryKeyString();
        return Task.CompletedTask;
    }

    public async ValueTask<InboxDelivery> ConnectAsync(string connectionId, string gatewayId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentException.ThrowIfNullOrEmpty(gatewayId);
        if (!State.Connections.Values.Any(c => c.Gateway == gatewayId))
            await GrainFactory.GetGrain<IGatewayLeaseGrain>(gatewayId).TrackAsync(_user);

        var wasOnline = Online;
        State.Connections[connectionId] = new UserConnectionState { Gateway = gatewayId };
        InboxDelivery delivery;
        if (wasOnline)
        {
            // Messages sent while online went live to the connections that existed; this one follows from now.
            delivery = new InboxDelivery([], await DirectLog().GetPositionAsync(), State.Dropped);
        }
        else
        {
            delivery = await TakeInboxAsync();
            State.Status = PresenceStatus.Online;
            State.State = null;
            State.LastSeenMs = Now();
        }

        await persisted.WriteStateAsync();
        if (!wasOnline)
            await AnnounceAsync(toRooms: false);
        return delivery;
    }

    public async ValueTask DisconnectAsync(string connectionId)
    {
        if (State.Connections.Remove(connectionId, out var connection))
            await RemovedAsync([connection]);
    }

    public async ValueTask GatewayLostAsync(string gatewayId)
    {
        var lost = State.Connections.Where(c => c.Value.Gateway == gatewayId).ToList();
        if (lost.Count == 0)
            return;

        LogGatewayLost(logger, _user, gatewayId, lost.Count);
        foreach (var (id, _) in lost)
            State.Connections.Remove(id);
        await RemovedAsync(lost.Select(c => c.Value).ToList());
    }

    public async ValueTask<RoomJoin> JoinRoomAsync(string connectionId, string room)
    {
        if (!State.Connections.TryGetValue(connectionId, out var connection))
            throw new InvalidOperationException($"connection '{connectionId}' of user '{_user}' is not connected");

        var join = await Room(room).AddMemberAsync(Presence());
        if (connection.Rooms.Add(room))
            await persisted.WriteStateAsync();
        return join;
    }

    public async ValueTask LeaveRoomAsync(string connectionId, string room)
    {
        if (!State.Connections.TryGetValue(connectionId, out var connection) || !connection.Rooms.Remove(room))
            return;

        await persisted.WriteStateAsync();
        if (!InRoom(room))
            await Room(room).RemoveMemberAsync(_user);
    }

    public async ValueTask<bool> RemoveFromRoomAsync(string room)
    {
        var changed = false;
        foreach (var connection in State.Connections.Values)
            changed |= connection.Rooms.Remove(room);
        if (changed)
            await persisted.WriteStateAsync();

        // The room may hold the user even when no connection does (state lost on one side): ask it either way.
        return await Room(room).RemoveMemberAsync(_user) || changed;
    }

    public async ValueTask<UserPresence> SetPresenceAsync(PresenceStatus status, byte[]? state)
    {
        if (status == PresenceStatus.Offline)
            throw new ArgumentException("a user cannot set the 'offline' status: it is what a user without connections is", nameof(status));
        if (!Online)
            throw new InvalidOperationException($"user '{_user}' has no connection: presence can only be set while online");

        State.Status = status;
        State.State = state;
        State.LastSeenMs = Now();
        await persisted.WriteStateAsync();
        await AnnounceAsync(toRooms: true);
        return Presence();
    }

    public ValueTask<UserPresence> GetPresenceAsync() => ValueTask.FromResult(Presence());

    public async ValueTask<DirectReceipt> SendDirectAsync(byte[] data, string? from)
    {
        ArgumentNullException.ThrowIfNull(data);
        var position = await DirectLog().PublishAsync(new PublishRequest(data, from));
        return new DirectReceipt(position.Offset, Online);
    }

    public async ValueTask<InboxStatus> GetInboxAsync()
    {
        if (Online)
            return new InboxStatus(0, State.Dropped);

        var position = await DirectLog().GetPositionAsync();
        var pending = position.Epoch == State.InboxEpoch ? position.Offset - State.InboxCursor : position.Offset;
        return new InboxStatus(pending, State.Dropped);
    }

    /// <summary>
    /// Hands the inbox to the connection that ends an offline period: the newest <see cref="PresenceOptions.InboxSize"/>
    /// messages after the cursor that are younger than the TTL, oldest first. The rest is dropped and counted. The cursor
    /// moves to the log's top, so the next handover starts after these messages: each is handed over once.
    /// </summary>
    private async Task<InboxDelivery> TakeInboxAsync()
    {
        var log = DirectLog();
        var top = await log.GetPositionAsync();
        var cursor = top.Epoch == State.InboxEpoch ? Math.Min(State.InboxCursor, top.Offset) : 0;
        var pending = top.Offset - cursor;
        var from = Math.Max(cursor, top.Offset - _options.InboxSize);
        var cutoff = _options.InboxTtlSeconds == 0 ? long.MinValue : Now() - (_options.InboxTtlSeconds * 1000L);

        var messages = new List<ChannelMessage>();
        var after = from;
        var done = false;
        while (!done && after < top.Offset)
        {
            var page = await log.ReadAsync(new HistoryQuery(after, top.Epoch, _options.InboxSize));
            done = page.Epoch != top.Epoch || page.Messages.Count == 0 || !page.More;
            foreach (var message in page.Messages)
            {
                // A message published after the top was read belongs to the live log, which continues from the top.
                if (message.Offset > top.Offset || page.Epoch != top.Epoch)
                {
                    done = true;
                    break;
                }

                if (message.TimestampMs > cutoff)
                    messages.Add(message);
                after = message.Offset;
            }
        }

        var dropped = pending - messages.Count;
        if (dropped > 0)
        {
            State.Dropped += dropped;
            LogInboxDropped(logger, _user, dropped);
        }

        State.InboxCursor = top.Offset;
        State.InboxEpoch = top.Epoch;
        return new InboxDelivery(messages, top, State.Dropped);
    }

    /// <summary>Connections went away: rooms none of the remaining ones is in are left; without connections the user is offline.</summary>
    private async Task RemovedAsync(IReadOnlyCollection<UserConnectionState> removed)
    {
        var left = removed.SelectMany(c => c.Rooms).Distinct(StringComparer.Ordinal).Where(room => !InRoom(room)).ToList();
        var offline = !Online;
        if (offline)
        {
            // Everything in the direct log so far was delivered live (or handed over): the inbox starts after it.
            var top = await DirectLog().GetPositionAsync();
            State.InboxCursor = top.Offset;
            State.InboxEpoch = top.Epoch;
            State.Status = PresenceStatus.Offline;
            State.State = null;
            State.LastSeenMs = Now();
        }

        await persisted.WriteStateAsync();
        foreach (var room in left)
            await Room(room).RemoveMemberAsync(_user);
        if (offline)
            await AnnounceAsync(toRooms: false);
    }

    /// <summary>Publishes the current presence to the user's watchers and, when asked, to every room the user is in.</summary>
    private async Task AnnounceAsync(bool toRooms)
    {
        var presence = Presence();
        if (toRooms)
        {
            foreach (var room in State.Connections.Values.SelectMany(c => c.Rooms).Distinct(StringComparer.Ordinal))
                await Room(room).UpdatePresenceAsync(presence);
        }

        await GrainFactory.GetGrain<IChannelGrain>(InternalLogs.Presence(_user))
            .PublishAsync(new PublishRequest(PresenceJson.Presence(presence), _user, Event: InternalLogs.PresenceEvent));
    }

    private UserPresence Presence() =>
        new(_user, Online ? State.Status : PresenceStatus.Offline, State.LastSeenMs, Online ? State.State : null);

    private bool InRoom(string room) => State.Connections.Values.Any(c => c.Rooms.Contains(room));

    private IRoomGrain Room(string room) => GrainFactory.GetGrain<IRoomGrain>(room);

    private IChannelGrain DirectLog() => GrainFactory.GetGrain<IChannelGrain>(InternalLogs.Direct(_user));

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "User {User}: gateway {Gateway} lost, dropping {Count} connections")]
    private static partial void LogGatewayLost(ILogger logger, string user, string gateway, int count);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Debug, Message = "User {User}: {Count} inbox messages dropped (bound, TTL or history)")]
    private static partial void LogInboxDropped(ILogger logger, string user, long count);
}
