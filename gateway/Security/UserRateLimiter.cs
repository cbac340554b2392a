using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Limits;

namespace OrleansRealtime.Gateway.Security;

/// <summary>
/// The per-user message rate across connections and gateways. Each gateway spends, per user, tokens it took from
/// the user's <see cref="IUserRateGrain"/> in chunks of a tenth of a second's budget; a chunk not spent within a
/// second is forgotten, so a gateway cannot hoard a user's budget. One grain call per chunk, never per message.
/// </summary>
internal sealed class UserRateLimiter(IClusterClient client, IOptions<LimitsOptions> limits, TimeProvider time)
{
    private static readonly TimeSpan ChunkLifetime = TimeSpan.FromSeconds(1);

    // Per-user locks, not one lock for the gateway: every admitted frame of every connection passes here.
    private readonly ConcurrentDictionary<string, Allowance> _allowances = new(StringComparer.Ordinal);
    private readonly int _perSecond = limits.Value.MessagesPerSecond;

    /// <summary>Takes one message from the user's budget; false with the time to wait when it is spent.</summary>
    public async ValueTask<(bool Allowed, TimeSpan RetryAfter)> TryTakeAsync(string userId)
    {
        var now = time.GetTimestamp();
        var allowance = _allowances.GetOrAdd(userId, static _ => new Allowance());
        lock (allowance)
        {
            if (allowance.TryTake(now, time))
                return (true, TimeSpan.Zero);
        }

        var chunk = Math.Max(1, _perSecond / 10);
        var granted = await client.GetGrain<IUserRateGrain>(userId).TakeAsync(chunk, _perSecond);
        lock (allowance)
        {
            allowance.Grant(granted, now);
            if (allowance.TryTake(now, time))
                return (true, TimeSpan.Zero);
        }

        return (false, TimeSpan.FromSeconds(Math.Max(1, chunk) / (double)_perSecond));
    }

    /// <summary>Forgets users whose chunk has expired (called on the heartbeat timer).</summary>
    public void Purge()
    {
        var now = time.GetTimestamp();
        foreach (var (user, allowance) in _allowances)
        {
            // Removing one that is being refilled only costs its user one more grain call.
            bool expired;
            lock (allowance)
                expired = allowance.Expired(now, time);
            if (expired)
                _allowances.TryRemove(new KeyValuePair<string, Allowance>(user, allowance));
        }
    }

    private sealed class Allowance
    {
        private int _tokens;
        private long _granted;

        public void Grant(int tokens, long now)
        {
            // Two connections of the user may both have fetched a chunk: keep both while the older is still fresh.
            _tokens = (_granted == 0 ? 0 : _tokens) + tokens;
            _granted = now;
        }

        public bool TryTake(long now, TimeProvider time)
        {
            if (_tokens <= 0 || Expired(now, time))
                return false;
            _tokens--;
            return true;
        }

        public bool Expired(long now, TimeProvider time) => time.GetElapsedTime(_granted, now) > ChunkLifetime;
    }
}
