using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Presence;

/// <summary>Presence leases and the direct-message inbox, bound from <c>Realtime:Presence</c>.</summary>
public sealed class PresenceOptions
{
    public const string Section = "Realtime:Presence";
    public const int DefaultLeaseSeconds = 30;
    public const int DefaultInboxSize = 100;
    public const int DefaultInboxTtlSeconds = 24 * 3600;

    /// <summary>
    /// A gateway that stops renewing for this long counts as dead: its users' connections are dropped (turning users
    /// without another connection offline). Gateways renew every <c>Realtime:Presence:RenewSeconds</c>, well within it.
    /// </summary>
    [Range(1, 3600)]
    public int LeaseSeconds { get; set; } = DefaultLeaseSeconds;

    /// <summary>
    /// Direct messages kept for an offline user; the oldest are dropped first (and counted). The channel history
    /// (<c>Realtime:History</c>) holds the inbox, so its size and TTL bound it too.
    /// </summary>
    [Range(1, 100_000)]
    public int InboxSize { get; set; } = DefaultInboxSize;

    /// <summary>Age after which a waiting direct message is dropped (and counted) instead of delivered; 0 keeps them.</summary>
    [Range(0, 365 * 24 * 3600)]
    public int InboxTtlSeconds { get; set; } = DefaultInboxTtlSeconds;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}
