using OrleansRealtime.Channels;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>The cluster-wide admin questions: silos, gateways, connections held by other gateways, the channel directory.</summary>
internal sealed partial class ClusterAccess
{
    public IGatewayDirectoryGrain GatewayDirectory => Client.GetGrain<IGatewayDirectoryGrain>(0);

    /// <summary>Every silo in the membership table with its status (active, joining, shutting down, dead).</summary>
    public ValueTask<MembershipEntry[]> GetSilosAsync() =>
        CallAsync(new ValueTask<MembershipEntry[]>(Client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false)), "silos", "cluster");

    /// <summary>Activations per silo and grain type, as every active silo counts them.</summary>
    public ValueTask<SimpleGrainStatistic[]> GetActivationCountsAsync() =>
        CallAsync(new ValueTask<SimpleGrainStatistic[]>(Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics()), "activations", "cluster");

    public ValueTask<IReadOnlyList<GatewayEntry>> GetGatewaysAsync() =>
        CallAsync(GatewayDirectory.ListAsync(), "gateways", "cluster");

    public ValueTask<ConnectionPage> ListRemoteConnectionsAsync(string? after, int limit, string exceptGatewayId) =>
        CallAsync(GatewayDirectory.ListConnectionsAsync(after, limit, exceptGatewayId), "list-connections", "cluster");

    public ValueTask<ConnectionLookup> FindRemoteConnectionAsync(string connectionId) =>
        CallAsync(GatewayDirectory.FindConnectionAsync(connectionId), "find-connection", connectionId);

    public ValueTask<ConnectionLookup> CloseRemoteConnectionAsync(string connectionId) =>
        CallAsync(GatewayDirectory.CloseConnectionAsync(connectionId), "close-connection", connectionId);

    public ValueTask<SubscriptionLookup> SubscribeRemoteAsync(string connectionId, SubscriptionRequest request) =>
        CallAsync(GatewayDirectory.SubscribeAsync(connectionId, request), "subscribe", connectionId);

    public ValueTask<SubscriptionLookup> ListRemoteSubscriptionsAsync(string connectionId) =>
        CallAsync(GatewayDirectory.ListSubscriptionsAsync(connectionId), "list-subscriptions", connectionId);

    public ValueTask<SubscriptionLookup> UnsubscribeRemoteAsync(string connectionId, string subscriptionId) =>
        CallAsync(GatewayDirectory.UnsubscribeAsync(connectionId, subscriptionId), "unsubscribe", connectionId);

    /// <summary>Up to <paramref name="limit"/> channel names after <paramref name="after"/>, merged in order over every directory shard.</summary>
    public async ValueTask<List<string>> ListChannelNamesAsync(string? after, int limit)
    {
        var shards = new Task<IReadOnlyList<string>>[ChannelDirectory.ShardCount];
        for (var shard = 0; shard < shards.Length; shard++)
            shards[shard] = Client.GetGrain<IChannelDirectoryGrain>(shard).ListAsync(after, limit).AsTask();
        var pages = await CallAsync(new ValueTask<IReadOnlyList<string>[]>(Task.WhenAll(shards)), "list-channels", "cluster");

        // Each shard answered its first `limit` after the cursor, so the first `limit` of the merge are the cluster's.
        return pages.SelectMany(page => page).Order(StringComparer.Ordinal).Take(limit).ToList();
    }
}
