using System.Collections.Concurrent;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Cluster.Tests.Gateways;

/// <summary>A gateway's observer over a fixed set of connections, recording what it was asked to close.</summary>
internal sealed class FakeGateway(string gatewayId, params string[] connectionIds) : IGatewayObserver
{
    private readonly ConcurrentDictionary<string, ConnectionSummary> _connections = new(
        connectionIds.Select(id => KeyValuePair.Create(id, new ConnectionSummary(id, "user-" + id, "websocket", gatewayId, ["news"], 0, 0))),
        StringComparer.Ordinal);

    public string GatewayId { get; } = gatewayId;

    /// <summary>When set, every command waits for it: a gateway that stopped answering.</summary>
    public TaskCompletionSource? Stalled { get; init; }

    public ConcurrentQueue<string> Closed { get; } = new();

    public GatewayRegistration Registration(long websockets = 0) => new(
        GatewayId, $"http://{GatewayId}.test", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new GatewayLoad(new Dictionary<string, long> { ["websocket"] = websockets }, Subscriptions: 2, Feeds: 1, DeliveredPerSecond: 12.5));

    public async Task<IReadOnlyList<ConnectionSummary>> ListConnectionsAsync(string? after, int limit)
    {
        await StallAsync();
        return _connections.Values
            .Where(c => after is null || string.CompareOrdinal(c.ConnectionId, after) > 0)
            .OrderBy(c => c.ConnectionId, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
    }

    public async Task<ConnectionSummary?> GetConnectionAsync(string connectionId)
    {
        await StallAsync();
        return _connections.GetValueOrDefault(connectionId);
    }

    public async Task<ConnectionSummary?> CloseConnectionAsync(string connectionId)
    {
        await StallAsync();
        if (!_connections.TryRemove(connectionId, out var connection))
            return null;
        Closed.Enqueue(connectionId);
        return connection;
    }

    /// <summary>Subscriptions made through the directory, by connection: each request's channel or pattern becomes a subscription id.</summary>
    public ConcurrentDictionary<string, List<SubscriptionSummary>> Subscriptions { get; } = new(StringComparer.Ordinal);

    public async Task<SubscriptionAnswer?> SubscribeAsync(string connectionId, SubscriptionRequest request)
    {
        await StallAsync();
        if (!_connections.ContainsKey(connectionId))
            return null;
        var summary = new SubscriptionSummary(
            $"{connectionId}/{request.Channel ?? request.Pattern}", connectionId, GatewayId, request.Channel, request.Pattern, request.Filter, Server: true);
        Subscriptions.GetOrAdd(connectionId, _ => []).Add(summary);
        return new SubscriptionAnswer([summary]);
    }

    public async Task<SubscriptionAnswer?> ListSubscriptionsAsync(string connectionId)
    {
        await StallAsync();
        return _connections.ContainsKey(connectionId) ? new SubscriptionAnswer(Subscriptions.GetValueOrDefault(connectionId) ?? []) : null;
    }

    public async Task<SubscriptionAnswer?> UnsubscribeAsync(string connectionId, string subscriptionId)
    {
        await StallAsync();
        if (!_connections.ContainsKey(connectionId))
            return null;
        var removed = Subscriptions.GetValueOrDefault(connectionId)?.Find(s => s.Id == subscriptionId);
        if (removed is null)
            return new SubscriptionAnswer([], "not_found", "no such subscription");
        Subscriptions[connectionId].Remove(removed);
        return new SubscriptionAnswer([removed]);
    }

    private Task StallAsync() => Stalled?.Task ?? Task.CompletedTask;
}
