namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// Renews this gateway's subscriber counts on its channels well within the channel grains' lease, so counts of a
/// gateway that died disappear on their own while live ones never do.
/// </summary>
internal sealed class SubscriberReportService(ChannelFeedRegistry feeds, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                feeds.RefreshReports();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
