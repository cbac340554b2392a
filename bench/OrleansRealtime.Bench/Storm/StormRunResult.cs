using OrleansRealtime.Bench.Harness;

namespace OrleansRealtime.Bench.Storm;

/// <summary>One run of the reconnect storm on one system. Times in seconds from the moment every client dropped its connection.</summary>
internal sealed record StormRunResult : BenchRunResult
{
    public required int Clients { get; init; }

    /// <summary>Until every client had reconnected and its subscribe was answered.</summary>
    public double ResubscribedSeconds { get; init; } = double.NaN;

    /// <summary>Until every client had received every message published before the last of them had resubscribed.</summary>
    public double RecoveredSeconds { get; init; } = double.NaN;

    /// <summary>Messages some client never received: holes in its sequence plus what was still missing after the drain.</summary>
    public long Lost { get; init; }

    public long Duplicates { get; init; }

    /// <summary>Clients whose connection was closed (or whose reconnect failed) by the end.</summary>
    public int Disconnected { get; init; }

    public string? FirstCloseReason { get; init; }

    public double PublishRate { get; init; }

    public long PublishErrors { get; init; }
}
