using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// One timer for the whole gateway (not one per connection): pings every connection when its heartbeat is due,
/// closes the dead, the unauthenticated past their time-out and those whose token expired, and forgets spent
/// per-user rate allowances.
/// </summary>
internal sealed class HeartbeatService(SessionRegistry sessions, UserRateLimiter userRates, IOptions<LimitsOptions> limits, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A quarter of the heartbeat keeps pings and time-outs within 25% of their configured times.
        var period = TimeSpan.FromMilliseconds(Math.Clamp(limits.Value.Heartbeat.TotalMilliseconds / 4, 50, 1000));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetTimestamp();
                foreach (var session in sessions.All)
                    session.Heartbeat(now);
                userRates.Purge();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
