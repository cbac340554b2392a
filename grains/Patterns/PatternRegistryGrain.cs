using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Patterns;

/// <summary>
/// The active patterns (see <see cref="IPatternRegistryGrain"/>): per pattern, the gateways that registered it and when.
/// In memory: gateways renew well within the lease, so a reactivated registry is complete again after one renewal
/// period (until then, channels may not forward to a pattern whose gateway has not renewed yet).
/// </summary>
internal sealed class PatternRegistryGrain(
    IOptions<PatternOptions> options,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock) : Grain, IPatternRegistryGrain
{
    private readonly PatternOptions _options = options.Value;
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _patterns = new(StringComparer.Ordinal);

    public ValueTask<TimeSpan> RegisterAsync(string pattern, string gatewayId)
    {
        if (!ChannelPattern.IsValid(pattern))
            throw new ArgumentException($"invalid pattern '{pattern}'", nameof(pattern));
        ArgumentException.ThrowIfNullOrEmpty(gatewayId);

        if (!_patterns.TryGetValue(pattern, out var gateways))
            _patterns[pattern] = gateways = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        gateways[gatewayId] = clock.GetUtcNow();
        return ValueTask.FromResult(_options.Refresh);
    }

    public ValueTask UnregisterAsync(string pattern, string gatewayId)
    {
        if (_patterns.TryGetValue(pattern, out var gateways) && gateways.Remove(gatewayId) && gateways.Count == 0)
            _patterns.Remove(pattern);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<string>> GetActiveAsync()
    {
        var now = clock.GetUtcNow();
        var active = new List<string>(_patterns.Count);
        foreach (var (pattern, gateways) in _patterns)
        {
            // Expired registrations (dead gateways) go here rather than on a timer.
            foreach (var (gateway, renewedAt) in gateways)
            {
                if (now - renewedAt >= _options.Lease)
                    gateways.Remove(gateway);
            }

            if (gateways.Count == 0)
                _patterns.Remove(pattern);
            else
                active.Add(pattern);
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(active);
    }
}
