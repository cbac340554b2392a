using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Admin;

/// <summary><c>GET /api/cluster</c>: the silos (Orleans' membership) and the gateways (the gateway directory) with their load.</summary>
internal static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", GetAsync)
            .WithName("GetCluster")
            .WithTags("Cluster")
            .WithSummary("Silos and gateways with their status and load")
            .WithDescription("Every silo of Orleans' membership table with its status, and every gateway whose lease in the gateway " +
                             "directory is current, with its address, start time and the load it reported on its last renewal: " +
                             "connections per transport, channel subscriptions and feeds, message frames delivered per second.")
            .Produces<ClusterResponse>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> GetAsync(ClusterAccess cluster)
    {
        var silosCall = cluster.GetSilosAsync();
        var gateways = await cluster.GetGatewaysAsync();
        var silos = await silosCall;
        var response = new ClusterResponse(
            silos.OrderBy(s => s.SiloAddress.ToString(), StringComparer.Ordinal).Select(Silo).ToList(),
            gateways.Select(Gateway).ToList());
        return Results.Json(response, AdminJsonContext.Default.ClusterResponse);
    }

    private static SiloResponse Silo(MembershipEntry entry) => new(
        entry.SiloAddress.ToString(), entry.SiloName, entry.HostName, entry.Status.ToString(), entry.StartTime, entry.IAmAliveTime);

    private static GatewayResponse Gateway(GatewayEntry entry)
    {
        var (registration, load) = (entry.Registration, entry.Registration.Load);
        var total = load.Connections.Values.Sum();
        return new GatewayResponse(
            registration.GatewayId,
            registration.Address,
            "Active",
            registration.StartedAt,
            entry.RenewedAt,
            entry.ExpiresAt,
            new GatewayLoadResponse(new ConnectionCounts(total, load.Connections), load.Subscriptions, load.Feeds, load.DeliveredPerSecond));
    }
}
