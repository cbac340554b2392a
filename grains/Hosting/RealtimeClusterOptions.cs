using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace OrleansRealtime.Hosting;

/// <summary>How silos and gateways find each other and where state lives.</summary>
public enum ClusteringMode
{
    /// <summary>The gateway co-hosts a single silo in its own process (the development default).</summary>
    Embedded,

    /// <summary>A separate silo process on this machine; gateways connect to its gateway port on loopback.</summary>
    Localhost,

    /// <summary>Silos and gateways cluster through Redis (production).</summary>
    Redis,
}

/// <summary>Where grain state and channel history live.</summary>
public enum StorageMode
{
    Memory,
    Redis,
}

/// <summary>
/// The <c>Orleans</c> configuration section and <c>ConnectionStrings:Redis</c>, read once for silos and gateways
/// alike so the two can never disagree about cluster identity, ports or the stream provider.
/// </summary>
public sealed class RealtimeClusterOptions
{
    public const string Section = "Orleans";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    public const int DefaultStreamPollingPeriodMs = 10;
    public const int DefaultStreamQueues = 4;

    /// <summary>The name under <c>ConnectionStrings</c> of the Redis that clustering and storage use.</summary>
    public const string RedisConnectionStringName = "Redis";

    public ClusteringMode Clustering { get; set; } = ClusteringMode.Embedded;

    /// <summary>Null picks the natural default: Redis with Redis clustering, memory otherwise.</summary>
    public StorageMode? Storage { get; set; }

    public string ClusterId { get; set; } = "realtime";

    public string ServiceId { get; set; } = "orleans-realtime";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = DefaultSiloPort;

    /// <summary>The silo's client gateway port; with <see cref="ClusteringMode.Localhost"/>, the port gateways connect to.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>The address a silo advertises to the cluster (the pod IP on Kubernetes); loopback when unset.</summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>How often stream pulling agents read their queues. Lower is lower latency and more idle CPU.</summary>
    [Range(1, 10_000)]
    public int StreamPollingPeriodMs { get; set; } = DefaultStreamPollingPeriodMs;

    /// <summary>Number of memory stream queues (spreads pulling across agents and silos).</summary>
    [Range(1, 256)]
    public int StreamQueues { get; set; } = DefaultStreamQueues;

    /// <summary>
    /// The silo's name in the membership table and logs (the pod name on Kubernetes, from the downward API); Orleans
    /// makes one up when unset.
    /// </summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// The standalone silo's HTTP port for <c>/health/live</c> and <c>/health/ready</c> (Kubernetes probes); unset: no
    /// health listener. It binds the same addresses as the silo ports (see <see cref="ListenOnAnyAddress"/>).
    /// </summary>
    [Range(1, 65535)]
    public int? HealthPort { get; set; }

    public string? RedisConnectionString { get; set; }

    public StorageMode EffectiveStorage => Storage ?? (Clustering == ClusteringMode.Redis ? StorageMode.Redis : StorageMode.Memory);

    /// <summary>The advertised address; loopback when unset. Only read once validation has accepted <see cref="AdvertisedIP"/>.</summary>
    public IPAddress AdvertisedAddress => string.IsNullOrWhiteSpace(AdvertisedIP) ? IPAddress.Loopback : IPAddress.Parse(AdvertisedIP);

    /// <summary>
    /// Silo ports listen on every interface only when the silo advertises a routable address (a pod IP); a silo that
    /// advertises loopback, or nothing, listens on loopback alone.
    /// </summary>
    public bool ListenOnAnyAddress => !IPAddress.IsLoopback(AdvertisedAddress);

    /// <summary>
    /// Binds the section and the connection string without judging them: a builder reads this to decide what to
    /// register, and <see cref="RealtimeClusterOptionsValidator"/> refuses a bad configuration when the host starts
    /// (<c>ValidateOnStart</c>), so every configuration error is reported in one place and one message.
    /// </summary>
    public static RealtimeClusterOptions From(IConfiguration configuration)
    {
        var options = new RealtimeClusterOptions();
        Bind(configuration, options);
        return options;
    }

    internal static void Bind(IConfiguration configuration, RealtimeClusterOptions options)
    {
        configuration.GetSection(Section).Bind(options);
        options.RedisConnectionString = configuration.GetConnectionString(RedisConnectionStringName);
    }
}
