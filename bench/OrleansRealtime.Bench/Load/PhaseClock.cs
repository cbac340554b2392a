namespace OrleansRealtime.Bench.Load;

/// <summary>Shared by the subscribers of one run: only messages sent at or after <see cref="RecordFrom"/> are latency samples.</summary>
internal sealed class PhaseClock
{
    private long _recordFrom = long.MaxValue;

    /// <summary>A <see cref="System.Diagnostics.Stopwatch"/> timestamp; <see cref="long.MaxValue"/> records nothing.</summary>
    public long RecordFrom
    {
        get => Volatile.Read(ref _recordFrom);
        set => Volatile.Write(ref _recordFrom, value);
    }
}
