using Orleans.Concurrency;

namespace OrleansRealtime.Patterns;

/// <summary>
/// The patterns some gateway subscribes to right now. Channel grains read it (through a per-silo cache refreshed at
/// most every <c>Realtime:Patterns:RefreshMilliseconds</c>) and forward a publication to a pattern's stream only when
/// they match an active pattern, so an ordinary publish costs no message to any gateway. Gateways register a pattern
/// with its first local subscriber, renew it periodically (a dead gateway's registrations expire after the lease) and
/// unregister it with the last. Key: <see cref="Key"/> (a single instance).
/// </summary>
[Alias("rt.IPatternRegistryGrain")]
public interface IPatternRegistryGrain : IGrainWithStringKey
{
    public const string Key = "patterns";

    /// <summary>
    /// Registers (or renews) a gateway's interest in a pattern. Answers how long channel caches may still miss it: a
    /// gateway acknowledges the subscription only after that time, so every publication after the ack is forwarded.
    /// </summary>
    [Alias("register")]
    ValueTask<TimeSpan> RegisterAsync(string pattern, string gatewayId);

    [Alias("unregister")]
    ValueTask UnregisterAsync(string pattern, string gatewayId);

    /// <summary>The patterns with at least one live registration.</summary>
    [Alias("active"), AlwaysInterleave]
    ValueTask<IReadOnlyList<string>> GetActiveAsync();
}
