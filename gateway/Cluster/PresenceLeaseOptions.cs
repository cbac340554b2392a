using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>The gateway's side of presence leases, bound from <c>Realtime:Presence</c> (the silo reads <c>LeaseSeconds</c> there).</summary>
public sealed class PresenceLeaseOptions
{
    public const string Section = "Realtime:Presence";

    /// <summary>
    /// How often the gateway renews its presence lease for all its users (one grain call) and its pattern
    /// registrations. Keep it well below the silos' <c>Realtime:Presence:LeaseSeconds</c> (default 30).
    /// </summary>
    [Range(1, 3600)]
    public int RenewSeconds { get; set; } = 10;
}
