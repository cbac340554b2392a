namespace OrleansRealtime.Gateway.Security;

/// <summary>
/// A token bucket on <see cref="TimeProvider"/> timestamps: <c>capacity</c> tokens, refilled continuously at
/// <c>perSecond</c>. Not thread-safe: its owner serializes access (a session's frames are handled one at a time).
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _capacity;
    private readonly double _perSecond;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _updated;

    public TokenBucket(double capacity, double perSecond, TimeProvider time)
    {
        _capacity = _tokens = capacity;
        _perSecond = perSecond;
        _time = time;
        _updated = time.GetTimestamp();
    }

    /// <summary>Takes one token; false (with the wait until one is available) when the bucket is empty.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        Refill();
        if (_tokens >= 1)
        {
            _tokens -= 1;
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = TimeSpan.FromSeconds((1 - _tokens) / _perSecond);
        return false;
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_updated, now).TotalSeconds * _perSecond));
        _updated = now;
    }
}
