using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Silo;

/// <summary>
/// Logs one stable line once the silo has joined its cluster and accepts clients; process supervisors and the
/// multi-process tests wait for it.
/// </summary>
internal sealed partial class ReadinessAnnouncer(IHostApplicationLifetime lifetime, RealtimeClusterOptions options, ILogger<ReadinessAnnouncer> logger)
    : IHostedService
{
    public const string ReadyLine = "OrleansRealtime silo ready";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Orleans' own lifecycle has completed when the host reports started.
        lifetime.ApplicationStarted.Register(() => LogReady(logger, ReadyLine, options.Clustering, options.SiloPort, options.GatewayPort));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{ReadyLine}: clustering {Clustering}, silo port {SiloPort}, gateway port {GatewayPort}")]
    private static partial void LogReady(ILogger logger, string readyLine, ClusteringMode clustering, int siloPort, int gatewayPort);
}
