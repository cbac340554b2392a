using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateways;
using OrleansRealtime.History;
using OrleansRealtime.Patterns;
using OrleansRealtime.Presence;
using OrleansRealtime.Streams;
using StackExchange.Redis;

namespace OrleansRealtime.Hosting;

/// <summary>
/// The silo and client configuration, written once. The standalone silo and the embedded gateway both call
/// <see cref="AddRealtimeGrains"/>; gateways that are pure clients call <see cref="AddRealtimeClient"/>.
/// </summary>
public static class RealtimeHostingExtensions
{
    /// <summary>Stream events a pulling agent hands a consumer in one delivery call (Orleans' default is 1).</summary>
    public const int StreamBatchSize = 64;

    /// <summary>Hosts a realtime silo in this process (the standalone silo, or the embedded gateway).</summary>
    /// <remarks>
    /// Orleans' own <c>UseOrleans</c> reads the <c>Orleans</c> configuration section as provider declarations
    /// (<c>Orleans:Clustering:ProviderType</c>), which collides with our contract key <c>Orleans:Clustering</c> =
    /// Embedded | Localhost | Redis. <c>AddOrleans</c> on the service collection gives Orleans an empty configuration,
    /// and <see cref="AddRealtimeGrains"/> reads ours explicitly.
    /// </remarks>
    public static IHostApplicationBuilder AddRealtimeSilo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOrleans(silo => silo.AddRealtimeGrains(builder.Configuration));
        return builder;
    }

    /// <summary>Makes this process a pure Orleans client of a realtime cluster (see <see cref="AddRealtimeSilo"/> for why not UseOrleansClient).</summary>
    public static IHostApplicationBuilder AddRealtimeClusterClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOrleansClient(configuration: null, client => client.AddRealtimeClient(builder.Configuration));
        return builder;
    }

    public static ISiloBuilder AddRealtimeGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var options = RealtimeClusterOptions.From(configuration);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        if (!string.IsNullOrWhiteSpace(options.SiloName))
            silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName);

        switch (options.Clustering)
        {
            case ClusteringMode.Embedded:
            case ClusteringMode.Localhost:
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
                break;
            case ClusteringMode.Redis:
                silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.RedisConnectionString!));

                // Deferred until Orleans reads its endpoints, which is after ValidateOnStart has accepted AdvertisedIP.
                silo.Configure<EndpointOptions>(o =>
                {
                    o.AdvertisedIPAddress = options.AdvertisedAddress;
                    o.SiloPort = options.SiloPort;
                    o.GatewayPort = options.GatewayPort;
                    if (options.ListenOnAnyAddress)
                    {
                        o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, options.SiloPort);
                        o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, options.GatewayPort);
                    }
                });
                break;
        }

        return silo.AddRealtimeGrainServices(configuration, options);
    }

    /// <summary>
    /// Everything a silo needs except clustering and endpoints: storage, streams, the history store, options and the
    /// realtime clock (<see cref="RealtimeServiceKeys.Clock"/>). Test clusters, which bring their own clustering, call
    /// this directly.
    /// </summary>
    public static ISiloBuilder AddRealtimeGrainServices(this ISiloBuilder silo, IConfiguration configuration, RealtimeClusterOptions? options = null)
    {
        options ??= RealtimeClusterOptions.From(configuration);
        silo.Services.TryAddSingleton(options);
        silo.Services.AddRealtimeClusterValidation(configuration);
        if (options.EffectiveStorage == StorageMode.Redis)
        {
            silo.Services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options.RedisConnectionString!));
            silo.AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.RedisConnectionString!));
            silo.AddRedisGrainStorage(StreamNames.PubSubStore, o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.RedisConnectionString!));
            silo.Services.TryAddSingleton<IHistoryStore, RedisHistoryStore>();
            silo.Services.TryAddSingleton<IStreamStore, RedisStreamStore>();
        }
        else
        {
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage(StreamNames.PubSubStore);
            silo.Services.TryAddSingleton<IHistoryStore, MemoryHistoryStore>();
            silo.Services.TryAddSingleton<IStreamStore, MemoryStreamStore>();
        }

        silo.AddMemoryStreams(StreamNames.Provider, streams =>
        {
            streams.ConfigurePartitioning(options.StreamQueues);
            streams.ConfigurePullingAgent(agent => agent.Configure(o =>
            {
                o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(options.StreamPollingPeriodMs);

                // A backlog reaches each gateway in one call per StreamBatchSize events instead of one call per
                // event: the gateway fans a run of messages out back to back, so each connection's writer finds
                // several frames per wake-up instead of one (the fan-out benchmark's dominant cost). Order is kept.
                o.BatchContainerBatchSize = StreamBatchSize;
            }));
        });

        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddKeyedSingleton(RealtimeServiceKeys.Clock, static (sp, _) => sp.GetRequiredService<TimeProvider>());
        silo.Services.AddOptions<HistoryOptions>()
            .Bind(configuration.GetSection(HistoryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddOptions<ChannelOptions>()
            .Bind(configuration.GetSection(ChannelOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddOptions<PresenceOptions>()
            .Bind(configuration.GetSection(PresenceOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddOptions<PatternOptions>()
            .Bind(configuration.GetSection(PatternOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.TryAddSingleton<PatternCache>();
        silo.Services.AddOptions<StreamOptions>()
            .Bind(configuration.GetSection(StreamOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddOptions<GatewayDirectoryOptions>()
            .Bind(configuration.GetSection(GatewayDirectoryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return silo;
    }

    public static IClientBuilder AddRealtimeClient(this IClientBuilder client, IConfiguration configuration)
    {
        var options = RealtimeClusterOptions.From(configuration);
        client.Services.AddSingleton(options);
        client.Services.AddRealtimeClusterValidation(configuration);
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });

        switch (options.Clustering)
        {
            case ClusteringMode.Localhost:
                client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
                break;
            case ClusteringMode.Redis:
                client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.RedisConnectionString!));
                break;
            default:
                throw new InvalidOperationException("An embedded gateway hosts its own silo; it is not a cluster client.");
        }

        client.AddMemoryStreams(StreamNames.Provider);
        return client;
    }

    /// <summary>
    /// Validates the cluster configuration when the host starts (<see cref="RealtimeClusterOptionsValidator"/>): the
    /// builders above only read it, so a process with a wrong configuration fails in one place with one message.
    /// </summary>
    private static void AddRealtimeClusterValidation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RealtimeClusterOptions>()
            .Configure(o => RealtimeClusterOptions.Bind(configuration, o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeClusterOptions>, RealtimeClusterOptionsValidator>());
    }
}
