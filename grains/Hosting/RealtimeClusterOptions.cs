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

    public ClusteringMode Clustering { get; set; } = ClusteringMode.Embedded;

    /// <summary>Null picks the natural default: Redis with Redis clustering, memory otherwise.</summary>
    public StorageMode? Storage { get; set; }

    public string ClusterId { get; set; } = "realtime";

    public string ServiceId { get; set; } = "orleans-realtime";

    public int SiloPort { get; set; } = DefaultSiloPort;

    /// <summary>The silo's client gateway port; with <see cref="ClusteringMode.Localhost"/>, the port gateways connect to.</summary>
    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>The address a silo advertises to the cluster (the pod IP on Kubernetes); loopback when unset.</summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>How often stream pulling agents read their queues. Lower is lower latency and more idle CPU.</summary>
    public int StreamPollingPeriodMs { get; set; } = DefaultStreamPollingPeriodMs;

    /// <summary>Number of memory stream queues (spreads pulling across agents and silos).</summary>
    public int StreamQueues { get; set; } = DefaultStreamQueues;

    public string? RedisConnectionString { get; set; }

    public StorageMode EffectiveStorage => Storage ?? (Clustering == ClusteringMode.Redis ? StorageMode.Redis : StorageMode.Memory);

    public IPAddress AdvertisedAddress => string.IsNullOrWhiteSpace(AdvertisedIP) ? IPAddress.Loopback : IPAddress.Parse(AdvertisedIP);

    public static RealtimeClusterOptions From(IConfiguration configuration)
    {
        var options = new RealtimeClusterOptions();
        configuration.GetSection(Section).Bind(options);
        options.RedisConnectionString = configuration.GetConnectionString("Redis");
        options.Validate();
        return options;
    }

    /// <summary>Refuses a configuration that cannot work, with a message an operator can act on.</summary>
    public void Validate()
    {
        var needsRedis = Clustering == ClusteringMode.Redis || EffectiveStorage == StorageMode.Redis;
        if (needsRedis && string.IsNullOrWhiteSpace(RedisConnectionString))
        {
            throw new InvalidOperationException(
                "Orleans:Clustering=Redis or Orleans:Storage=Redis needs ConnectionStrings:Redis (e.g. ConnectionStrings__Redis=127.0.0.1:6379).");
        }

        if (StreamPollingPeriodMs is < 1 or > 10_000)
            throw new InvalidOperationException("Orleans:StreamPollingPeriodMs must be between 1 and 10000.");
        if (StreamQueues is < 1 or > 256)
            throw new InvalidOperationException("Orleans:StreamQueues must be between 1 and 256.");
        if (!string.IsNullOrWhiteSpace(AdvertisedIP) && !IPAddress.TryParse(AdvertisedIP, out _))
            throw new InvalidOperationException($"Orleans:AdvertisedIP '{AdvertisedIP}' is not an IP address.");
    }
}
