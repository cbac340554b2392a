using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Channels;

/// <summary>Channel grain behaviour, bound from <c>Realtime:Channels</c>.</summary>
public sealed class ChannelOptions
{
    public const string Section = "Realtime:Channels";
    public const int DefaultSubscriberLeaseSeconds = 90;

    /// <summary>
    /// How long a gateway's subscriber report counts without a refresh. Gateways refresh well within it, so only a
    /// gateway that died (and cannot report 0) drops out.
    /// </summary>
    [Range(1, 24 * 3600)]
    public int SubscriberLeaseSeconds { get; set; } = DefaultSubscriberLeaseSeconds;

    public TimeSpan SubscriberLease => TimeSpan.FromSeconds(SubscriberLeaseSeconds);
}
