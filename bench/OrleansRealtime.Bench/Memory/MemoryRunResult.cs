using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Memory;

/// <summary>One run of one transport: the gateway's memory with the warm-up connections, then with N more idle ones.</summary>
internal sealed record MemoryRunResult : BenchRunResult
{
    public required int Connections { get; init; }

    public double ConnectSeconds { get; init; }

    public long RssBeforeKiB { get; init; }

    public long RssAfterKiB { get; init; }

    public GcHeap HeapBefore { get; init; }

    public GcHeap HeapAfter { get; init; }

    /// <summary>Connections that had ended by the time of the second measurement (should be 0).</summary>
    public int Closed { get; init; }

    public string? FirstCloseReason { get; init; }

    public double RssPerConnectionKiB => (RssAfterKiB - RssBeforeKiB) / (double)Connections;

    public double LivePerConnectionKiB => (HeapAfter.LiveBytes - HeapBefore.LiveBytes) / 1024.0 / Connections;

    public double CommittedPerConnectionKiB => (HeapAfter.CommittedBytes - HeapBefore.CommittedBytes) / 1024.0 / Connections;
}
