using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Presence;

/// <summary>
/// A gateway's presence lease (see <see cref="IGatewayLeaseGrain"/>). Held in memory: a reactivation (its silo died)
/// starts a fresh lease, which the gateway's next renewal fills with its users again. The timer keeps the grain
/// active while it tracks users, so a dead gateway's lease is swept without anyone calling.
/// </summary>
internal sealed partial class GatewayLeaseGrain(
    IOptions<PresenceOptions> options,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock,
    ILogger<GatewayLeaseGrain> logger) : Grain, IGatewayLeaseGrain
{
    private readonly TimeSpan _lease = options.Value.Lease;
    private HashSet<string> _users = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tracked = new(StringComparer.Ordinal);
    private DateTimeOffset _renewedAt;
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A fresh activation grants a full lease: the gateway may have renewed the previous activation a moment ago.
        _renewedAt = clock.GetUtcNow();
        var period = TimeSpan.FromMilliseconds(Math.Clamp(_lease.TotalMilliseconds / 4, 100, 5_000));
        _timer = this.RegisterGrainTimer(static (grain, _) => grain.SweepAsync().AsTask(), this, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public ValueTask RenewAsync(IReadOnlyCollection<string> users)
    {
        ArgumentNullException.ThrowIfNull(users);

        // Users tracked since the last renewal may have connected after the gateway took its snapshot: keep them.
        var next = new HashSet<string>(users, StringComparer.Ordinal);
        next.UnionWith(_tracked);
        _tracked.Clear();
        _users = next;
        _renewedAt = clock.GetUtcNow();
        return ValueTask.CompletedTask;
    }

    public ValueTask TrackAsync(string user)
    {
        _tracked.Add(user);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<bool> SweepAsync()
    {
        if (clock.GetUtcNow() - _renewedAt < _lease)
            return false;

        await ExpireAsync(released: false);
        return true;
    }

    public ValueTask ReleaseAsync() => ExpireAsync(released: true);

    /// <summary>Tells every user of the gateway that its connections are gone, and lets the grain go.</summary>
    private async ValueTask ExpireAsync(bool released)
    {
        var gateway = this.GetPrimaryKeyString();
        var users = _users.Union(_tracked, StringComparer.Ordinal).ToList();
        _users = new HashSet<string>(StringComparer.Ordinal);
        _tracked.Clear();
        if (released)
            LogReleased(logger, gateway, users.Count);
        else if (users.Count > 0)
            LogExpired(logger, gateway, users.Count);

        await Task.WhenAll(users.Select(user => GrainFactory.GetGrain<IUserGrain>(user).GatewayLostAsync(gateway).AsTask()));
        _timer?.Dispose();
        _timer = null;
        DeactivateOnIdle();
    }

    [LoggerMessage(EventId = 1510, Level = LogLevel.Warning, Message = "Gateway {Gateway} did not renew its presence lease: {Count} users lose its connections")]
    private static partial void LogExpired(ILogger logger, string gateway, int count);

    [LoggerMessage(EventId = 1511, Level = LogLevel.Information, Message = "Gateway {Gateway} released its presence lease on shutdown: {Count} users lose its connections")]
    private static partial void LogReleased(ILogger logger, string gateway, int count);
}
