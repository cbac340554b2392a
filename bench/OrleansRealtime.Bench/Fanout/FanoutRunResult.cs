using OrleansRealtime.Bench.Harness;

namespace OrleansRealtime.Bench.Fanout;

/// <summary>Everything one run of one system measured. Rates are per second; latencies in milliseconds; CPU in cores.</summary>
internal sealed record FanoutRunResult : BenchRunResult
{
    public required int Subscribers { get; init; }

    public double ConnectSeconds { get; init; }

    public long RssIdleKiB { get; init; }

    public long RssConnectedKiB { get; init; }

    public double PerConnectionKiB => Subscribers > 0 ? (RssConnectedKiB - RssIdleKiB) / (double)Subscribers : 0;

    public PhaseStats Saturation { get; init; } = new();

    public PhaseStats Latency { get; init; } = new();

    public double LatencyTargetRate { get; init; }

    public double LatencyAchievedRate { get; init; }

    public double P50Ms { get; init; } = double.NaN;

    public double P99Ms { get; init; } = double.NaN;

    public double MaxMs { get; init; } = double.NaN;

    public long LatencySamples { get; init; }

    /// <summary>Holes in a subscriber's sequence (each may span several messages).</summary>
    public long Gaps { get; init; }

    public long MissingInGaps { get; init; }

    public long Duplicates { get; init; }

    /// <summary>Messages an open subscriber still lacked when the drain time-out expired.</summary>
    public long Undelivered { get; init; }

    public int SubscribersClosed { get; init; }

    public string? FirstCloseReason { get; init; }

    public long PublishErrors { get; init; }

    public string? FirstPublishError { get; init; }

    public string? PublisherClosed { get; init; }

    public bool HasCorrectnessFindings =>
        Gaps > 0 || Duplicates > 0 || Undelivered > 0 || SubscribersClosed > 0 || PublishErrors > 0 || PublisherClosed is not null;
}

/// <summary>What one measurement window saw.</summary>
internal sealed record PhaseStats
{
    public double Seconds { get; init; }

    public double DeliveredPerSecond { get; init; }

    public double PublishedPerSecond { get; init; }

    /// <summary>Bytes the subscriber sockets received per delivered message (TCP payload: all framing, no TCP/IP headers).</summary>
    public double WireBytesPerMessage { get; init; } = double.NaN;

    /// <summary>Server CPU time (user + system) per delivered message.</summary>
    public double ServerMicrosPerMessage { get; init; } = double.NaN;

    public double GeneratorCores { get; init; }

    public double ServerCores { get; init; }

    /// <summary>Busy CPU of the machine not used by the generator or the server: other builds and tests.</summary>
    public double OtherCores { get; init; }

    public double ProbeLagP99Ms { get; init; } = double.NaN;

    public double ProbeLagMaxMs { get; init; } = double.NaN;

    /// <summary>Share of the window the publisher waited for the slowest subscriber (the lead bound).</summary>
    public double LeadWaitShare { get; init; }

    /// <summary>Share of the window the publisher waited for acks with a full window.</summary>
    public double WindowWaitShare { get; init; }
}
