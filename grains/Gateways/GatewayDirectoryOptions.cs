using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Gateways;

/// <summary>The gateway directory's lease and command timeout, bound from <c>Realtime:Gateways</c>.</summary>
public sealed class GatewayDirectoryOptions
{
    public const string Section = "Realtime:Gateways";
    public const int DefaultLeaseSeconds = 30;
    public const int DefaultCommandTimeoutMs = 5000;

    /// <summary>How long a renewal keeps a gateway in the directory; gateways renew at a third of it.</summary>
    [Range(3, 3600)]
    public int LeaseSeconds { get; set; } = DefaultLeaseSeconds;

    /// <summary>How long the directory waits for one gateway to answer a command before counting it unreachable.</summary>
    [Range(100, 120_000)]
    public int CommandTimeoutMs { get; set; } = DefaultCommandTimeoutMs;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan CommandTimeout => TimeSpan.FromMilliseconds(CommandTimeoutMs);
}
