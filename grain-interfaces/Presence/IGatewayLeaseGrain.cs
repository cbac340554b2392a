using Orleans.Concurrency;

namespace OrleansRealtime.Presence;

/// <summary>
/// The presence lease of one gateway: the gateway renews it for all its users in one call per period, and when the
/// renewals stop for the configured lease time the grain tells each of that gateway's users that its connections are
/// gone. Users a renewal no longer names are told the same (their disconnect was lost).
/// Key: the gateway id.
/// </summary>
[Alias("rt.IGatewayLeaseGrain")]
public interface IGatewayLeaseGrain : IGrainWithStringKey
{
    /// <summary>Renews the lease for every user with a connection on the gateway (the whole set, each time).</summary>
    [Alias("renew")]
    ValueTask RenewAsync(IReadOnlyCollection<string> users);

    /// <summary>A user connected on this gateway (called by the user grain, so a gateway that dies before its first renewal is covered).</summary>
    /// <remarks>Interleaves: a sweep may be waiting on the very user grain that calls this.</remarks>
    [Alias("track"), AlwaysInterleave]
    ValueTask TrackAsync(string user);

    /// <summary>The gateway is shutting down: its users lose its connections now, without waiting for the lease to lapse.</summary>
    [Alias("release")]
    ValueTask ReleaseAsync();

    /// <summary>Checks the lease now (the grain's timer does this periodically); true when it had expired.</summary>
    [Alias("sweep")]
    ValueTask<bool> SweepAsync();
}
