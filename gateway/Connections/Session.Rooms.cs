using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>The event name of a <c>room.send</c> without one.</summary>
    public const string DefaultRoomEvent = "message";

    /// <summary>
    /// Rooms this connection joined, each followed through its room log's feed; null until the first join, because most
    /// connections never join one and an idle connection should not carry an empty dictionary. Guarded by
    /// <see cref="_extras"/>.
    /// </summary>
    private Dictionary<string, ChannelSubscription>? _rooms;

    /// <summary>
    /// Joins a room: the user becomes a member (with their first connection in it) and this connection follows the room's
    /// log from the joiner's own join event, whose member list the ack carries. With <c>since</c>, it resumes from there
    /// instead, like a channel subscription.
    /// </summary>
    private async ValueTask JoinAsync(ClientFrame frame, bool answer)
    {
        var room = RequireName(frame.Room, "room name");
        AuthorizeJoin(room);

        ChannelSubscription subscription;
        lock (_extras)
        {
            _rooms ??= new(StringComparer.Ordinal);
            if (_rooms.ContainsKey(room))
                throw ProtocolException.BadRequest($"already in room '{room}'; leave first to join again with 'since'");
            if (_rooms.Count >= _services.Limits.MaxRoomsPerConnection)
                throw new ProtocolException(ErrorCode.LimitExceeded, $"at most {_services.Limits.MaxRoomsPerConnection} rooms per connection");
            if (Volatile.Read(ref _disposed) != 0)
                return;

            // Following the log starts (pending) before the join, so no event after the join position can be missed.
            subscription = _services.Feeds.Join(this, InternalLogs.Room(room));
            _rooms[room] = subscription;
        }

        try
        {
            var join = await _services.Cluster.JoinRoomAsync(RequireIdentity().UserId, ConnectionId, room);
            var since = frame.HasSince
                ? new RecoveryPosition(frame.SinceOffset, frame.SinceEpoch)
                : new RecoveryPosition(join.Position.Offset, join.Position.Epoch);
            var id = frame.Id;
            var resumed = frame.HasSince;
            await _services.Feeds.ActivateAsync(
                subscription,
                since,
                answer ? (position, recovered) => FrameWriter.JoinAck(id, room, position, resumed ? recovered : null, join.Members) : null);
        }
        catch
        {
            ForgetRoom(room, subscription);
            throw;
        }
    }

    /// <summary>Leaves a room (not being in it is no error: the end state is what was asked).</summary>
    private async ValueTask LeaveAsync(ClientFrame frame, bool answer)
    {
        var room = RequireName(frame.Room, "room name");
        ChannelSubscription? subscription;
        lock (_extras)
        {
            subscription = null;
            _rooms?.Remove(room, out subscription);
        }

        if (subscription is not null)
        {
            _services.Feeds.Release(subscription);
            await _services.Cluster.LeaveRoomAsync(RequireIdentity().UserId, ConnectionId, room);
        }

        if (answer)
            Send(FrameWriter.RoomAck(frame.Id, room));
    }

    /// <summary>Sends to a room this connection joined; the message gets the room's next offset.</summary>
    private async ValueTask SendToRoomAsync(ClientFrame frame, bool answer)
    {
        var room = RequireName(frame.Room, "room name");
        if (!frame.HasData)
            throw ProtocolException.BadRequest("missing field 'data'");
        var eventName = RequireRoomEvent(frame.Event);
        lock (_extras)
        {
            if (_rooms is null || !_rooms.ContainsKey(room))
                throw new ProtocolException(ErrorCode.Forbidden, $"not in room '{room}': join it first");
        }

        var position = await _services.Cluster.SendToRoomAsync(room, new PublishRequest(frame.Data.ToArray(), RequireIdentity().UserId, frame.Priority, eventName));
        _services.Metrics.Published();
        if (answer)
            Send(FrameWriter.RoomAck(frame.Id, room, position));
    }

    /// <summary>
    /// Called by a room's feed when this connection's user stopped being a member without this connection leaving (an
    /// administrator removed them, or their membership ended elsewhere): the connection stops following the room.
    /// </summary>
    public void RoomRemoved(ChannelSubscription subscription)
    {
        var room = subscription.Feed.Channel[InternalLogs.RoomPrefix.Length..];
        ForgetRoom(room, subscription);
    }

    private void ForgetRoom(string room, ChannelSubscription subscription)
    {
        lock (_extras)
        {
            if (_rooms is not null && _rooms.TryGetValue(room, out var current) && ReferenceEquals(current, subscription))
                _rooms.Remove(room);
        }

        _services.Feeds.Release(subscription);
    }

    /// <summary>The rooms this connection is in, in no particular order.</summary>
    public IReadOnlyList<string> Rooms()
    {
        lock (_extras)
            return _rooms is null ? [] : [.. _rooms.Keys];
    }

    /// <summary>Whether this connection's user may join <paramref name="room"/>: the token's <c>rooms</c> claim.</summary>
    private void AuthorizeJoin(string room) => Authorize(RequireIdentity().Grants.CanJoin(room), "join", room);

    private static string RequireRoomEvent(string? name)
    {
        if (name is null)
            return DefaultRoomEvent;
        if (name.Length is 0 or > ChannelName.MaxLength || InternalLogs.IsReservedEvent(name))
            throw ProtocolException.BadRequest($"invalid event name '{Truncate(name)}' (1 to {ChannelName.MaxLength} characters, not starting with '$')");
        return name;
    }
}
