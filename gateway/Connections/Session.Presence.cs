using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Presence;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>Guards the subscriptions of rooms, watches, patterns and the direct log (channels keep their own lock).</summary>
    private readonly Lock _extras = new();
    private readonly Dictionary<string, ChannelSubscription> _watches = new(StringComparer.Ordinal);
    private ChannelSubscription? _direct;
    private int _userStarted;

    /// <summary>
    /// True once this connection counts for its user's presence (registered, or being registered, with the user grain).
    /// The gateway's lease renewal names the users of such sessions.
    /// </summary>
    public bool CountsForPresence => Volatile.Read(ref _userStarted) == 1 && Volatile.Read(ref _disposed) == 0;

    /// <summary>
    /// Registers the connection with its user, once, after the <c>welcome</c> frame is queued: the user is online from
    /// now, and the connection follows the user's direct log, starting with the inbox it takes over (in order, before
    /// any live direct message). Runs under the dispatch lock, so the client's first frames see a registered connection.
    /// </summary>
    // issue 6: when the identity arrives with an 'auth' frame, start the user after authenticating instead.
    private void StartUser()
    {
        if (Interlocked.Exchange(ref _userStarted, 1) == 0)
            _ = StartUserAsync();
    }

    private async Task StartUserAsync()
    {
        await _dispatch.WaitAsync();
        ChannelSubscription? direct = null;
        try
        {
            lock (_extras)
            {
                if (Volatile.Read(ref _disposed) != 0)
                    return;
                _direct = direct = _services.Feeds.Join(this, InternalLogs.Direct(UserId));
            }

            var inbox = await _services.Cluster.ConnectUserAsync(UserId, ConnectionId, _services.Gateway.GatewayId);
            foreach (var message in inbox.Messages)
                Send(FrameWriter.Direct(message));
            await _services.Feeds.ActivateAsync(direct, new RecoveryPosition(inbox.Position.Offset, inbox.Position.Epoch), ack: null);
        }
        catch (Exception ex)
        {
            // The connection still works for channels; presence and direct messages wait for a reconnect.
            LogUserStartFailed(_services.Logger, ex, ConnectionId, UserId);
            if (direct is not null)
                _services.Feeds.Release(direct);
        }
        finally
        {
            _dispatch.Release();
        }
    }

    /// <summary>
    /// Called once by <see cref="DisposeAsync"/>: releases rooms, watches, patterns and the direct log here, and tells the
    /// user grain the connection is gone (leaving its rooms, and making the user offline if it was the last one).
    /// </summary>
    private void StopUser()
    {
        ChannelSubscription[] subscriptions;
        PatternSubscription[] patterns;
        lock (_extras)
        {
            subscriptions = [.. _rooms.Values, .. _watches.Values, .. _direct is null ? Array.Empty<ChannelSubscription>() : [_direct]];
            patterns = [.. _patterns.Values];
            _rooms.Clear();
            _watches.Clear();
            _patterns.Clear();
            _direct = null;
        }

        foreach (var subscription in subscriptions)
            _services.Feeds.Release(subscription);
        foreach (var pattern in patterns)
            _services.Patterns.Release(pattern);
        if (Volatile.Read(ref _userStarted) == 1)
            _ = DisconnectUserAsync();
    }

    private async Task DisconnectUserAsync()
    {
        // A lost disconnect would leave the user online while this gateway lives: retry a few times.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _services.Cluster.DisconnectUserAsync(UserId, ConnectionId);
                return;
            }
            catch (Exception ex) when (attempt < 3)
            {
                LogDisconnectRetry(_services.Logger, ex, ConnectionId, attempt);
            }
            catch (Exception ex)
            {
                LogDisconnectFailed(_services.Logger, ex, ConnectionId, UserId);
                return;
            }
        }
    }

    private async ValueTask SetPresenceAsync(ClientFrame frame, bool answer)
    {
        if (frame.Status is null)
            throw ProtocolException.BadRequest("missing field 'status'");
        if (!PresenceStatuses.TryParseSettable(frame.Status, out var status))
            throw ProtocolException.BadRequest($"unknown status '{Truncate(frame.Status)}' (online, away, busy)");

        var presence = await _services.Cluster.SetPresenceAsync(UserId, status, frame.State.IsEmpty ? null : frame.State.ToArray());
        if (answer)
            Send(FrameWriter.PresenceAck(frame.Id, [presence]));
    }

    /// <summary>
    /// Answers the users' presence; with <c>watch</c>, this connection also receives their presence changes from now on
    /// (until it closes), each watch counting as a subscription.
    /// </summary>
    private async ValueTask GetPresenceAsync(ClientFrame frame, bool answer)
    {
        if (frame.Users is not { Count: > 0 } users)
            throw ProtocolException.BadRequest("missing field 'users'");
        foreach (var user in users)
            RequireName(user, "user id");

        if (frame.Watch)
            await WatchAsync(users);
        var presence = await _services.Cluster.GetPresenceAsync(users);
        if (answer)
            Send(FrameWriter.PresenceAck(frame.Id, presence));
    }

    private async Task WatchAsync(IReadOnlyList<string> users)
    {
        var started = new List<ChannelSubscription>();
        lock (_extras)
        {
            foreach (var user in users.Distinct(StringComparer.Ordinal))
            {
                if (_watches.ContainsKey(user) || Volatile.Read(ref _disposed) != 0)
                    continue;
                if (SubscriptionCount() >= _services.Limits.MaxSubscriptionsPerConnection)
                    throw new ProtocolException(ErrorCode.LimitExceeded, $"at most {_services.Limits.MaxSubscriptionsPerConnection} subscriptions per connection");

                var subscription = _services.Feeds.Join(this, InternalLogs.Presence(user));
                _watches[user] = subscription;
                started.Add(subscription);
            }
        }

        foreach (var subscription in started)
            await _services.Feeds.ActivateAsync(subscription, since: null, ack: null);
    }

    /// <summary>Channels, patterns and watches together, against <see cref="LimitsOptions.MaxSubscriptionsPerConnection"/>. Called under <see cref="_extras"/>.</summary>
    private int SubscriptionCount()
    {
        lock (_subscriptions)
            return _subscriptions.Count + _patterns.Count + _watches.Count;
    }

    /// <summary>A user id, room or recipient must be a valid name (the rule of channel names).</summary>
    private static string RequireName(string? name, string what)
    {
        if (name is null)
            throw ProtocolException.BadRequest($"missing {what}");
        if (!ChannelName.IsValid(name))
            throw ProtocolException.BadRequest($"invalid {what} '{Truncate(name)}'");
        return name;
    }

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: registering user {UserId} failed; no presence or direct messages on this connection")]
    private static partial void LogUserStartFailed(ILogger logger, Exception exception, string connectionId, string userId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: disconnect attempt {Attempt} failed")]
    private static partial void LogDisconnectRetry(ILogger logger, Exception exception, string connectionId, int attempt);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: telling user {UserId} it closed failed; the connection counts as online until this gateway stops")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception exception, string connectionId, string userId);
}
