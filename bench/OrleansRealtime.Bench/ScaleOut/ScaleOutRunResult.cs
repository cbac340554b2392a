using OrleansRealtime.Bench.Harness;

namespace OrleansRealtime.Bench.ScaleOut;

/// <summary>One run of one configuration (a gateway count): its cluster was fresh, and stopped afterwards.</summary>
internal sealed record ScaleOutRunResult
{
    public required int Gateways { get; init; }

    public required int Run { get; init; }

    /// <summary>Why the run failed, if it did.</summary>
    public string? Failure { get; init; }

    public double ConnectSeconds { get; init; } = double.NaN;

    /// <summary>Saturation: messages delivered to all subscribers per second, and publications acknowledged per second.</summary>
    public double DeliveredPerSecond { get; init; } = double.NaN;

    public double PublishedPerSecond { get; init; } = double.NaN;

    /// <summary>Saturation: CPU of all gateways per delivered message, of all silos and of Redis per published message (µs).</summary>
    public double GatewayMicrosPerDelivered { get; init; } = double.NaN;

    public double SiloMicrosPerPublished { get; init; } = double.NaN;

    public double RedisMicrosPerPublished { get; init; } = double.NaN;

    /// <summary>Latency phase: target rate, and publish → receive latency of subscribers on other gateways than the publisher's (all with one gateway).</summary>
    public double LatencyRate { get; init; } = double.NaN;

    public double P50Ms { get; init; } = double.NaN;

    public double P99Ms { get; init; } = double.NaN;

    /// <summary>Gateway kill (2+ gateways): clients of the killed gateway, time until all had resumed elsewhere, until all had caught up, until its user was offline.</summary>
    public int KilledClients { get; init; }

    public double BackSeconds { get; init; } = double.NaN;

    public double CaughtUpSeconds { get; init; } = double.NaN;

    public double OfflineSeconds { get; init; } = double.NaN;

    /// <summary>Correctness over the whole run: messages lost (missing in gaps or never delivered) and duplicates.</summary>
    public long Lost { get; init; }

    public long Duplicates { get; init; }

    /// <summary>
    /// Messages the subscribers that were never moved had yet to receive at the end of the run, before they were given
    /// time to drain (what an immediate count would have called lost).
    /// </summary>
    public long InFlightAtEnd { get; init; }

    /// <summary>Of <see cref="Lost"/>, what the subscribers that were never moved lost.</summary>
    public long LostByOthers { get; init; }

    /// <summary>Gateway kill: what the resumed clients were told and what they missed, by cause; null without a kill.</summary>
    public ResumeDiagnosis? Resume { get; init; }

    public bool HasFindings => Failure is not null || Lost > 0 || Duplicates > 0;

    public string Summary() => Failure is not null
        ? $"  {Gateways} gateway(s) run {Run} failed: {Failure}"
        : $"  {Gateways} gateway(s) run {Run}: {Markdown.N0(DeliveredPerSecond)} delivered/s, {Markdown.N0(PublishedPerSecond)} published/s, " +
          $"p99 {Markdown.Ms(P99Ms)} ms at {Markdown.N0(LatencyRate)} msg/s; kill: back {Markdown.Ms(BackSeconds)} s, caught up {Markdown.Ms(CaughtUpSeconds)} s, " +
          $"offline {Markdown.Ms(OfflineSeconds)} s; lost {Lost} ({LostByOthers} by clients not moved, which had {InFlightAtEnd} in flight when the run ended), duplicates {Duplicates}" +
          (Resume is null ? string.Empty : $"; {Resume.Summary()}");
}
