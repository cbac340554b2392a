using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// <c>GET /api/cluster</c>: the silos (Orleans' membership, with their activations per grain type) and the gateways (the
/// gateway directory) with their load.
/// </summary>
internal static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", GetAsync)
            .WithName("GetCluster")
            .WithTags("Cluster")
            .WithSummary("Silos and gateways with their status and load")
            .WithDescription("Every silo of Orleans' membership table with its status and, for active silos, its grain activations " +
                             "(total and per grain type; absent while a silo does not answer), and every gateway whose lease in the gateway " +
                             "directory is current, with its address, start time and the load it reported on its last renewal: " +
                             "connections per transport, channel subscriptions and feeds, message frames delivered per second.")
            .Produces<ClusterResponse>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> GetAsync(ClusterAccess cluster)
    {
        var silosCall = cluster.GetSilosAsync();
        var activationsCall = ActivationsBySiloAsync(cluster);
        var gateways = await cluster.GetGatewaysAsync();
        var silos = await silosCall;
        var activations = await activationsCall;
        var response = new ClusterResponse(
            silos.OrderBy(s => s.SiloAddress.ToString(), StringComparer.Ordinal).Select(s => Silo(s, activations)).ToList(),
            gateways.Select(Gateway).ToList());
        return Results.Json(response, AdminJsonContext.Default.ClusterResponse);
    }

    /// <summary>
    /// Activations per silo and grain type; empty when a silo does not answer (e.g. one that died and is not yet declared
    /// dead): the membership view is still worth answering then.
    /// </summary>
    private static async Task<Dictionary<SiloAddress, Dictionary<string, int>>> ActivationsBySiloAsync(ClusterAccess cluster)
    {
        var bySilo = new Dictionary<SiloAddress, Dictionary<string, int>>();
        try
        {
            foreach (var statistic in await cluster.GetActivationCountsAsync())
            {
                if (!bySilo.TryGetValue(statistic.SiloAddress, out var byType))
                    bySilo[statistic.SiloAddress] = byType = new Dictionary<string, int>(StringComparer.Ordinal);
                var type = ClassName(statistic.GrainType);
                byType[type] = byType.GetValueOrDefault(type) + statistic.ActivationCount;
            }
        }
        catch (ProtocolException)
        {
            bySilo.Clear();
        }

        return bySilo;
    }

    /// <summary>The class name of Orleans' formatted type name (<c>OrleansRealtime.Channels.ChannelGrain,OrleansRealtime.Grains</c> → <c>ChannelGrain</c>).</summary>
    private static string ClassName(string formattedType)
    {
        var fullName = formattedType.Split(',', 2)[0];
        return fullName[(fullName.LastIndexOf('.') + 1)..];
    }

    private static SiloResponse Silo(MembershipEntry entry, Dictionary<SiloAddress, Dictionary<string, int>> activations)
    {
        var byType = activations.GetValueOrDefault(entry.SiloAddress);
        return new SiloResponse(
            entry.SiloAddress.ToString(), entry.SiloName, entry.HostName, entry.Status.ToString(), entry.StartTime, entry.IAmAliveTime,
            byType?.Values.Sum(), byType);
    }

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
