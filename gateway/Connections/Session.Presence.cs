using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Presence;

namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    /// <summary>Guards the subscriptions of rooms, watches, patterns and the direct log (channels keep their own lock).</summary>
    private readonly Lock _extras = new();

    /// <summary>Users whose presence this connection watches; null until the first watch (most connections never watch).</summary>
    private Dictionary<string, ChannelSubscription>? _watches;
    private ChannelSubscription? _direct;
    private string? _presenceUser;

    /// <summary>
    /// The user this connection counts for in presence (registered, or being registered, with the user grain); null
    /// before the connection has an identity and after it closed. The gateway's lease renewal names these users.
    /// </summary>
    public string? PresenceUser => Volatile.Read(ref _disposed) == 0 ? Volatile.Read(ref _presenceUser) : null;

    /// <summary>
    /// Registers the connection with its user, once it has an identity (at <c>welcome</c>, or with its first
    /// <c>auth</c>): the user is online from now, and the connection follows the user's direct log, starting with the
    /// inbox it takes over (in order, before any live direct message). Runs under the dispatch lock, so the client's
    /// next frames see a registered connection.
    /// </summary>
    private void StartUser()
    {
        if (Identity?.UserId is not { } user || Interlocked.CompareExchange(ref _presenceUser, user, null) is not null)
            return;
        _ = StartUserAsync(user);
    }

    /// <summary>
    /// Called when <c>auth</c> gave the connection its identity or a new one: an anonymous connection that authenticates
    /// as another user stops counting for the anonymous user (leaving its rooms) and starts counting for the new one.
    /// </summary>
    private void IdentityChanged()
    {
        var current = Volatile.Read(ref _presenceUser);
        if (current is not null && current != Identity?.UserId)
        {
            ReleaseUser(current);
            Volatile.Write(ref _presenceUser, null);
        }

        StartUser();
    }

    private async Task StartUserAsync(string user)
    {
        await _dispatch.WaitAsync();
        ChannelSubscription? direct = null;
        try
        {
            lock (_extras)
            {
                if (Volatile.Read(ref _disposed) != 0)
                    return;
                _direct = direct = _services.Feeds.Join(this, InternalLogs.Direct(user));
            }

            var inbox = await _services.Cluster.ConnectUserAsync(user, ConnectionId, _services.Gateway.GatewayId);
            foreach (var message in inbox.Messages)
                Send(FrameWriter.Direct(message));
            await _services.Feeds.ActivateAsync(direct, new RecoveryPosition(inbox.Position.Offset, inbox.Position.Epoch), ack: null);
        }
        catch (Exception ex)
        {
            // The connection still works for channels; presence and direct messages wait for a reconnect.
            LogUserStartFailed(_services.Logger, ex, ConnectionId, user);
            if (direct is not null)
                _services.Feeds.Release(direct);
        }
        finally
        {
            _dispatch.Release();
        }
    }

    /// <summary>Called once by <see cref="DisposeAsync"/>: the connection stops counting for its user.</summary>
    private void StopUser() => ReleaseUser(Volatile.Read(ref _presenceUser));

    /// <summary>
    /// Releases rooms, watches, patterns and the direct log here, and tells <paramref name="user"/>'s grain the
    /// connection is gone (leaving its rooms, and making the user offline if it was their last one).
    /// </summary>
    private void ReleaseUser(string? user)
    {
        ChannelSubscription[] subscriptions;
        PatternSubscription[] patterns;
        lock (_extras)
        {
            subscriptions = [.. Values(_rooms), .. Values(_watches), .. _direct is null ? Array.Empty<ChannelSubscription>() : [_direct]];
            patterns = [.. _patterns.Values];
            _rooms = null;
            _watches = null;
            _patterns.Clear();
            _direct = null;
        }

        foreach (var subscription in subscriptions)
            _services.Feeds.Release(subscription);
        foreach (var pattern in patterns)
            _services.Patterns.Release(pattern);
        if (user is not null)
            _ = DisconnectUserAsync(user);
    }

    private static IEnumerable<ChannelSubscription> Values(Dictionary<string, ChannelSubscription>? subscriptions) =>
        subscriptions?.Values ?? Enumerable.Empty<ChannelSubscription>();

    private async Task DisconnectUserAsync(string user)
    {
        // A lost disconnect would leave the user online while this gateway lives: retry a few times.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _services.Cluster.DisconnectUserAsync(user, ConnectionId);
                return;
            }
            catch (Exception ex) when (attempt < 3)
            {
                LogDisconnectRetry(_services.Logger, ex, ConnectionId, attempt);
            }
            catch (Exception ex)
            {
                LogDisconnectFailed(_services.Logger, ex, ConnectionId, user);
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

        var presence = await _services.Cluster.SetPresenceAsync(RequireIdentity().UserId, status, frame.State.IsEmpty ? null : frame.State.ToArray());
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
                _watches ??= new(StringComparer.Ordinal);
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

    /// <summary>Channels, patterns, streams and watches together, against <see cref="LimitsOptions.MaxSubscriptionsPerConnection"/>. Called under <see cref="_extras"/>.</summary>
    private int SubscriptionCount()
    {
        lock (_subscriptions)
            return _subscriptions.Count + _patterns.Count + _streams.Count + (_watches?.Count ?? 0);
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
