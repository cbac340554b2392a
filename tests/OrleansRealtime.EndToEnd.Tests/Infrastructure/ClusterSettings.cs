using System.Globalization;

namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What every process of one cluster is told about the cluster: the clustering mode, its Redis and its id. The cluster
/// id is unique per harness, so clusters of different tests that share one Redis never see each other's silos.
/// </summary>
/// <param name="SiloGatewayPort">With <see cref="Clustering.Localhost"/>: the silo gateway port that gateways connect to.</param>
/// <param name="Overrides">Settings of one test's cluster, applied last (e.g. a long presence lease, a drain delay).</param>
public sealed record ClusterSettings(
    Clustering Clustering, string ClusterId, string? RedisConnectionString, int? SiloGatewayPort = null, IReadOnlyDictionary<string, string?>? Overrides = null)
{
    /// <summary>The presence lease of every test cluster: a gateway that stops renewing loses its users after this long.</summary>
    public const int PresenceLeaseSeconds = 4;

    /// <summary>The environment both silos and gateways read (ASP.NET Core configuration, <c>__</c> for <c>:</c>).</summary>
    public Dictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["Orleans__Clustering"] = Clustering.ToString(),
            ["Orleans__ClusterId"] = ClusterId,
            // One line per log event, timestamped: the captured output reads as a timeline in failure messages.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",

            // Short presence leases, so a killed gateway's users turn offline within seconds.
            ["Realtime__Presence__LeaseSeconds"] = ClusterSettings.Port(PresenceLeaseSeconds),
            ["Realtime__Presence__RenewSeconds"] = "1",
        };
        if (Clustering == Clustering.Redis)
            environment["ConnectionStrings__Redis"] = RedisConnectionString ?? throw new InvalidOperationException("Redis clustering needs a Redis connection string.");
        foreach (var (key, value) in Overrides ?? new Dictionary<string, string?>())
            environment[key] = value;
        return environment;
    }

    internal static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
