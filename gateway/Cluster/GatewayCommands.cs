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
            if (after is null || string.CompareOrdinal(session.ConnectionId, after) > 0)
                page.Add(session);
        }

        page.Sort(static (a, b) => string.CompareOrdinal(a.ConnectionId, b.ConnectionId));
        var count = Math.Min(limit, page.Count);
        var summaries = new List<ConnectionSummary>(count);
        for (var i = 0; i < count; i++)
            summaries.Add(Describe(page[i]));
        return summaries;
    }

    public ConnectionSummary? Find(string connectionId) => sessions.Find(connectionId) is { } session ? Describe(session) : null;

    /// <summary>Closes a local connection (its client gets a <c>close</c> frame with <c>closed_by_admin</c>, then its transport ends); answers it as it was.</summary>
    public ConnectionSummary? Close(string connectionId)
    {
        if (sessions.Find(connectionId) is not { } session)
            return null;
        var summary = Describe(session);
        session.Close(CloseReason.ClosedByAdmin);
        return summary;
    }

    Task<IReadOnlyList<ConnectionSummary>> IGatewayObserver.ListConnectionsAsync(string? after, int limit) => Task.FromResult(List(after, limit));

    Task<ConnectionSummary?> IGatewayObserver.GetConnectionAsync(string connectionId) => Task.FromResult(Find(connectionId));

    Task<ConnectionSummary?> IGatewayObserver.CloseConnectionAsync(string connectionId) => Task.FromResult(Close(connectionId));

    private ConnectionSummary Describe(Session session) => new(
        session.ConnectionId,
        session.UserId,
        session.Transport,
        gateway.GatewayId,
        session.Channels(),
        session.Outbound.Count,
        session.Outbound.Bytes);
}
