using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Patterns;

/// <summary>Pattern subscriptions, bound from <c>Realtime:Patterns</c>.</summary>
public sealed class PatternOptions
{
    public const string Section = "Realtime:Patterns";

    /// <summary>
    /// How old a silo's cached list of active patterns may be when a channel publishes. A gateway acknowledges a new
    /// pattern subscription only after this long, so every publication after the ack is forwarded. Lower makes pattern
    /// acks faster and costs one registry read per silo per period while channels publish.
    /// </summary>
    [Range(1, 60_000)]
    public int RefreshMilliseconds { get; set; } = 500;

    /// <summary>A gateway's registration of a pattern expires after this long without renewal (a dead gateway's).</summary>
    [Range(1, 24 * 3600)]
    public int LeaseSeconds { get; set; } = 90;

    public TimeSpan Refresh => TimeSpan.FromMilliseconds(RefreshMilliseconds);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}
