namespace OrleansRealtime.Channels;

/// <summary>
/// A channel's publications per second over the last <see cref="ChannelInfo.RateWindowSeconds"/> seconds, counted
/// where they happen (the channel grain) in one bucket per second of the realtime clock: constant work per publish and
/// a fixed 60 counters per channel, with no timer. A bucket is reused when its second comes round again.
/// </summary>
internal sealed class PublishRate
{
    private const int Window = ChannelInfo.RateWindowSeconds;
    private readonly long[] _counts = new long[Window];
    private readonly long[] _seconds = new long[Window];

    /// <summary>Counts one publication at <paramref name="unixMs"/> (its timestamp).</summary>
    public void Record(long unixMs)
    {
        var second = unixMs / 1000;
        var bucket = (int)(second % Window);
        if (_seconds[bucket] != second)
        {
            _seconds[bucket] = second;
            _counts[bucket] = 0;
        }

        _counts[bucket]++;
    }

    /// <summary>Publications in the window ending at <paramref name="nowUnixMs"/> (the current second included), divided by its length.</summary>
    public double PerSecond(long nowUnixMs)
    {
        var now = nowUnixMs / 1000;
        long total = 0;
        for (var i = 0; i < Window; i++)
        {
            if (_seconds[i] <= now && now - _seconds[i] < Window)
                total += _counts[i];
        }

        return Math.Round(total / (double)Window, 3);
    }
}
