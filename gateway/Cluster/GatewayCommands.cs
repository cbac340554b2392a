using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// This gateway's answers to the cluster about its own connections: the <see cref="IGatewayObserver"/> that
/// <see cref="GatewayDirectoryService"/> registers, and what the local admin routes use for the same questions.
/// </summary>
internal sealed class GatewayCommands(SessionRegistry sessions, GatewayInfo gateway) : IGatewayObserver
{
    public string GatewayId => gateway.GatewayId;

    /// <summary>Up to <paramref name="limit"/> local connections with an id ordinally after <paramref name="after"/>, ordered by id.</summary>
    public IReadOnlyList<ConnectionSummary> List(string? after, int limit)
    {
        // An admin page, not a hot path: sort the ids after the cursor and describe only the page.
        var page = new List<Session>();
        foreach (var session in sessions.All)
        {
            if (session.CloseReason is null && (after is null || string.CompareOrdinal(session.ConnectionId, after) > 0))
                page.Add(session);
        }

        page.Sort(static (a, b) => string.CompareOrdinal(a.ConnectionId, b.ConnectionId));
        var count = Math.Min(limit, page.Count);
        var summaries = new List<ConnectionSummary>(count);
        for (var i = 0; i < count; i++)
            summaries.Add(Describe(page[i]));
        return summaries;
    }

    public ConnectionSummary? Find(string connectionId) => Open(connectionId) is { } session ? Describe(session) : null;

    /// <summary>Closes a local connection (its client gets a <c>close</c> frame with <c>closed_by_admin</c>, then its transport ends); answers it as it was.</summary>
    public ConnectionSummary? Close(string connectionId)
    {
        if (Open(connectionId) is not { } session)
            return null;
        var summary = Describe(session);
        session.Close(CloseReason.ClosedByAdmin);
        return summary;
    }

    /// <summary>Subscribes a local connection as the server; null when this gateway does not hold it. Refusals are answered, not thrown.</summary>
    public Task<SubscriptionAnswer?> SubscribeAsync(string connectionId, SubscriptionRequest request)
    {
        var name = request.Channel ?? request.Pattern;
        if (Open(connectionId) is { } session && name is not null && session.HasSubscription(name))
        {
            return Task.FromResult<SubscriptionAnswer?>(new SubscriptionAnswer(
                [], ErrorCode.BadRequest.ToWire(), $"the connection already subscribes to '{name}'; delete that subscription first", Conflict: true));
        }

        return OnSessionAsync(connectionId, async session => [await session.SubscribeByServerAsync(request)]);
    }

    /// <summary>The subscriptions of a local connection; null when this gateway does not hold it.</summary>
    public SubscriptionAnswer? ListSubscriptions(string connectionId) =>
        Open(connectionId) is { } session ? new SubscriptionAnswer(session.Subscriptions()) : null;

    /// <summary>Removes a subscription of a local connection; null when this gateway does not hold the connection.</summary>
    public Task<SubscriptionAnswer?> UnsubscribeAsync(string connectionId, string subscriptionId) =>
        OnSessionAsync(connectionId, async session =>
        {
            if (!SubscriptionId.TryParse(subscriptionId, out var owner, out var kind, out var name) || owner != connectionId
                || await session.UnsubscribeByServerAsync(kind, name) is not { } removed)
            {
                throw new ProtocolException(ErrorCode.NotFound, "the connection has no subscription with this id");
            }

            return [removed];
        });

    Task<IReadOnlyList<ConnectionSummary>> IGatewayObserver.ListConnectionsAsync(string? after, int limit) => Task.FromResult(List(after, limit));

    Task<ConnectionSummary?> IGatewayObserver.GetConnectionAsync(string connectionId) => Task.FromResult(Find(connectionId));

    Task<ConnectionSummary?> IGatewayObserver.CloseConnectionAsync(string connectionId) => Task.FromResult(Close(connectionId));

    Task<SubscriptionAnswer?> IGatewayObserver.SubscribeAsync(string connectionId, SubscriptionRequest request) => SubscribeAsync(connectionId, request);

    Task<SubscriptionAnswer?> IGatewayObserver.ListSubscriptionsAsync(string connectionId) => Task.FromResult(ListSubscriptions(connectionId));

    Task<SubscriptionAnswer?> IGatewayObserver.UnsubscribeAsync(string connectionId, string subscriptionId) => UnsubscribeAsync(connectionId, subscriptionId);

    /// <summary>
    /// The local connection with this id unless it is closing: to an administrator a connection that was closed (by
    /// them, a time-out or its client) is gone at once, though its transport may still be flushing its last frames.
    /// </summary>
    private Session? Open(string connectionId) => sessions.Find(connectionId) is { CloseReason: null } session ? session : null;

    /// <summary>Runs a subscription command on a local session, answering a protocol refusal as a value so it can cross the cluster.</summary>
    private async Task<SubscriptionAnswer?> OnSessionAsync(string connectionId, Func<Session, Task<IReadOnlyList<SubscriptionSummary>>> command)
    {
        if (Open(connectionId) is not { } session)
            return null;
        try
        {
            return new SubscriptionAnswer(await command(session));
        }
        catch (ProtocolException ex)
        {
            return new SubscriptionAnswer([], ex.Code.ToWire(), ex.Message);
        }
    }

    private ConnectionSummary Describe(Session session) => new(
        session.ConnectionId,
        session.UserId,
        session.Transport,
        gateway.GatewayId,
        session.Channels(),
        session.Outbound.Count,
        session.Outbound.Bytes);
}
