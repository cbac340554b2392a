using System.Numerics;

namespace OrleansRealtime.Bench.Load;

/// <summary>
/// Log-linear histogram of microseconds (64 sub-buckets per power of two: values below 128 µs are exact, larger ones
/// within 1.6%). Fixed size, no allocation per sample, single writer; merged after the phase ends.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int ExactLimit = SubBuckets * 2;
    private const int MaxBits = 40; // ~12.7 days in µs: anything longer is clamped
    private const int BucketCount = ExactLimit + ((MaxBits - SubBucketBits) * SubBuckets);
    private const long MaxValue = (1L << MaxBits) - 1;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public long MaxMicros { get; private set; }

    public void Record(long micros)
    {
        micros = Math.Clamp(micros, 0, MaxValue);
        _counts[IndexOf(micros)]++;
        Count++;
        if (micros > MaxMicros)
            MaxMicros = micros;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
            _counts[i] += other._counts[i];
        Count += other.Count;
        MaxMicros = Math.Max(MaxMicros, other.MaxMicros);
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Count = 0;
        MaxMicros = 0;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), as the upper bound of its bucket; NaN when empty.</summary>
    public double QuantileMicros(double q)
    {
        if (Count == 0)
            return double.NaN;
        var target = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= target)
                return Math.Min(UpperBound(i), MaxMicros);
        }

        return MaxMicros;
    }

    private static int IndexOf(long micros)
    {
        if (micros < ExactLimit)
            return (int)micros;
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)micros) - SubBucketBits; // ≥ 1
        var top = (int)(micros >> shift); // 64..127
        return ExactLimit + ((shift - 1) * SubBuckets) + (top - SubBuckets);
    }

    private static long UpperBound(int index)
    {
        if (index < ExactLimit)
            return index;
        var shift = ((index - ExactLimit) / SubBuckets) + 1;
        var top = ((index - ExactLimit) % SubBuckets) + SubBuckets;
        return ((long)(top + 1) << shift) - 1;
    }
}
