using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Hosting;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// Renews this gateway's presence lease: one grain call per period naming every user with a connection here, however
/// many connections there are (never one call per connection). If the gateway dies, the renewals stop and the
/// cluster turns its users offline within the lease. Pattern registrations are renewed on the same tick. On a graceful
/// stop (after <see cref="ConnectionDrainService"/> has closed every connection, before the cluster client stops) it
/// releases the lease, so the users it held go offline at once instead of a lease later.
/// </summary>
internal sealed partial class PresenceLeaseService(
    SessionRegistry sessions,
    ClusterAccess cluster,
    PatternFeedRegistry patterns,
    IOptions<PresenceLeaseOptions> options,
    IOptions<GatewayOptions> gateway,
    TimeProvider time,
    ILogger<PresenceLeaseService> logger) : BackgroundService
{
    /// <summary>A stopping gateway does not wait longer than this for an unreachable cluster; the lease then lapses by itself.</summary>
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RenewSeconds), time);
        try
        {
            do
            {
                await RenewAsync();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await cluster.ReleasePresenceLeaseAsync(gateway.Value.GatewayId).AsTask().WaitAsync(ReleaseTimeout, cancellationToken);
            LogReleased(logger);
        }
        catch (Exception ex)
        {
            // The lease lapses by itself: the users go offline a lease later instead of now.
            LogReleaseFailed(logger, ex);
        }
    }

    private async Task RenewAsync()
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var session in sessions.All)
        {
            if (session.PresenceUser is { } user)
                users.Add(user);
        }

        try
        {
            await cluster.RenewPresenceLeaseAsync(gateway.Value.GatewayId, users);
        }
        catch (Exception ex)
        {
            LogRenewFailed(logger, ex, users.Count);
        }

        await patterns.RenewAllAsync();
    }

    [LoggerMessage(EventId = 1240, Level = LogLevel.Warning, Message = "Renewing the presence lease of {Users} users failed; retrying next period")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, int users);

    [LoggerMessage(EventId = 1241, Level = LogLevel.Information, Message = "Released the presence lease: this gateway's users are offline unless connected elsewhere")]
    private static partial void LogReleased(ILogger logger);

    [LoggerMessage(EventId = 1242, Level = LogLevel.Warning, Message = "Releasing the presence lease failed; it lapses by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
