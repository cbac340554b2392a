namespace OrleansRealtime.Limits;

/// <summary>
/// One user's message budget across every connection on every gateway: a token bucket of <c>perSecond</c> tokens
/// per second (and at most one second's worth saved up). Gateways take tokens in small chunks and spend them
/// locally, so the cluster pays one call per chunk, not one per message. Keyed by user id; held in memory only (a
/// budget that restarts with its silo is still a budget).
/// </summary>
public interface IUserRateGrain : IGrainWithStringKey
{
    /// <summary>Takes up to <paramref name="wanted"/> tokens at <paramref name="perSecond"/>; returns how many were granted (0 when empty).</summary>
    ValueTask<int> TakeAsync(int wanted, int perSecond);
}
