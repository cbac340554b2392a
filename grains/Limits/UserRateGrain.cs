using Microsoft.Extensions.DependencyInjection;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Limits;

/// <inheritdoc cref="IUserRateGrain"/>
internal sealed class UserRateGrain([FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock) : Grain, IUserRateGrain
{
    private double _tokens = -1;
    private long _updated;

    public ValueTask<int> TakeAsync(int wanted, int perSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        var now = clock.GetTimestamp();
        _tokens = _tokens < 0 ? perSecond : Math.Min(perSecond, _tokens + (clock.GetElapsedTime(_updated, now).TotalSeconds * perSecond));
        _updated = now;

        var granted = (int)Math.Min(Math.Max(wanted, 0), Math.Floor(_tokens));
        _tokens -= granted;
        return ValueTask.FromResult(granted);
    }
}
