using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>The cluster-wide admin questions: silos, gateways, and connections held by other gateways.</summary>
internal sealed partial class ClusterAccess
{
    public IGatewayDirectoryGrain GatewayDirectory => Client.GetGrain<IGatewayDirectoryGrain>(0);

    /// <summary>Every silo in the membership table with its status (active, joining, shutting down, dead).</summary>
    public ValueTask<MembershipEntry[]> GetSilosAsync() =>
        CallAsync(new ValueTask<MembershipEntry[]>(Client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false)), "silos", "cluster");

    public ValueTask<IReadOnlyList<GatewayEntry>> GetGatewaysAsync() =>
        CallAsync(GatewayDirectory.ListAsync(), "gateways", "cluster");

    public ValueTask<ConnectionPage> ListRemoteConnectionsAsync(string? after, int limit, string exceptGatewayId) =>
        CallAsync(GatewayDirectory.ListConnectionsAsync(after, limit, exceptGatewayId), "list-connections", "cluster");

    public ValueTask<ConnectionSummary?> FindRemoteConnectionAsync(string connectionId) =>
        CallAsync(GatewayDirectory.FindConnectionAsync(connectionId), "find-connection", connectionId);

    public ValueTask<bool> CloseRemoteConnectionAsync(string connectionId) =>
        CallAsync(GatewayDirectory.CloseConnectionAsync(connectionId), "close-connection", connectionId);
}
