using Microsoft.Extensions.Options;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// Periodic upkeep of the channel and stream feeds: audits quiet feeds against their log's position, and renews this
/// gateway's subscriber counts well within the channel grains' lease (so a dead gateway's counts expire on their
/// own while live ones never do).
/// </summary>
internal sealed class FeedMaintenanceService(ChannelFeedRegistry feeds, StreamFeedRegistry streams, IOptions<FeedOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var audit = TimeSpan.FromSeconds(options.Value.AuditSeconds);
        var report = TimeSpan.FromSeconds(options.Value.ReportSeconds);
        using var timer = new PeriodicTimer(audit < report ? audit : report, time);
        var lastReport = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await feeds.AuditAsync(audit, stoppingToken);
                await streams.AuditAsync(audit, stoppingToken);
                if (time.GetElapsedTime(lastReport) >= report)
                {
                    lastReport = time.GetTimestamp();
                    feeds.RefreshReports();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
