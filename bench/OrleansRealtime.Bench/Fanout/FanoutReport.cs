using System.Globalization;
using System.Text;
using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.Markdown;

namespace OrleansRealtime.Bench.Fanout;

/// <summary>The markdown report: medians of runs, ratios against raw-websocket from the same run, and the evidence behind them.</summary>
internal static class FanoutReport
{
    /// <summary>Less idle CPU than this (in cores) over a window means the machine was CPU-bound.</summary>
    private const double SaturatedIdleCores = 0.15;

    /// <summary>Thread-pool lag above this (p99, ms) means the generator's own scheduling visibly inflates latency.</summary>
    private const double GeneratorLagWarningMs = 2;

    /// <summary>On a CPU-bound box, a generator using this share of the generator + server CPU is a co-bottleneck.</summary>
    private const double GeneratorCoBottleneckShare = 0.35;

    /// <param name="topology">Who subscribed to what, when not <see cref="FanoutOptions.Subscribers"/> on one channel.</param>
    public static string Build(IReadOnlyList<FanoutRunResult> results, FanoutOptions options, BenchInvocation invocation, string loadAtEnd, FanoutTopology? topology = null)
    {
        var machine = invocation.Machine;
        var elapsed = invocation.Clock.Elapsed;
        var md = new StringBuilder();
        md.Header("Fan-out benchmark", invocation, options.Describe());
        md.Line($"- Load average at start {machine.LoadAverage}, at end {loadAtEnd}; the generator and every server share these {machine.Cores} cores.");
        md.Line($"- {options.Run.Runs} run(s) per system, interleaved, each on a fresh server process; one publisher, {topology?.Name ?? $"{options.Subscribers} subscribers on one channel"}, {Load.BenchPayload.DataBytes}-byte payloads. Wall time {elapsed.TotalSeconds:0} s.");
        md.Line($"- delivered msg/s = messages received by all subscribers per second in the saturation window; latency = publish (send) → receive, over every subscriber's samples in the fixed-rate phase. Medians of runs; ratios are system ÷ {options.Baseline} of this same invocation.");
        md.Line();

        var bySystem = options.Systems
            .Select(system => (System: system, Runs: results.Where(r => r.System == system && r.Failure is null).ToList()))
            .ToList();
        var baseline = options.Baseline;
        var baseRuns = bySystem.FirstOrDefault(s => s.System.Name == baseline).Runs;
        var baseThroughput = baseRuns is { Count: > 0 } ? Median(baseRuns, r => r.Saturation.DeliveredPerSecond) : double.NaN;
        var baseP99 = baseRuns is { Count: > 0 } ? Median(baseRuns, r => r.P99Ms) : double.NaN;
        var baseRate = baseRuns is { Count: > 0 } ? Median(baseRuns, r => r.LatencyTargetRate) : double.NaN;

        md.Line("## Results (median of runs)");
        md.Line();
        md.Line($"| system | subscribers | delivered msg/s | publish msg/s | latency rate msg/s | p50 ms | p99 ms | max ms | throughput vs {baseline} | p99 vs {baseline} |");
        md.Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (system, runs) in bySystem)
        {
            if (runs.Count == 0)
            {
                md.Line($"| {system.Name} | {options.Subscribers} | failed | | | | | | | |");
                continue;
            }

            var delivered = Median(runs, r => r.Saturation.DeliveredPerSecond);
            var p99 = Median(runs, r => r.P99Ms);
            var rate = Median(runs, r => r.LatencyTargetRate);
            // A p99 ratio only compares like with like at the same offered rate: say so when the rates differ.
            var rateNote = Math.Abs(rate / baseRate - 1) > 0.1 ? $" (at {Ratio(rate, baseRate)} {baseline}'s rate)" : string.Empty;
            md.Line($"| {system.Name} | {options.Subscribers} | {N0(delivered)} | {N0(Median(runs, r => r.Saturation.PublishedPerSecond))} | " +
                $"{N0(rate)} | {Ms(Median(runs, r => r.P50Ms))} | {Ms(p99)} | {Ms(Median(runs, r => r.MaxMs))} | " +
                $"{Ratio(delivered, baseThroughput)} | {Ratio(p99, baseP99)}{rateNote} |");
        }

        md.Line();
        if (options.Rate is null)
        {
            md.Line();
            md.Line($"Each system's latency phase ran at {options.RatePercent:0.#}% of its own saturation publish rate, so p99 ratios between systems compare different loads; `--rate R` measures all at one rate.");
        }

        md.Line();
        md.Line("## Cost per delivered message (saturation window, median of runs)");
        md.Line();
        md.Line("Wire bytes = bytes the subscriber sockets read from the server (TCP payload: HTTP, WebSocket, SSE, SignalR framing and compression included; TCP/IP headers not) ÷ messages delivered. Server CPU = the server process's user + system CPU time ÷ messages delivered.");
        md.Line();
        md.Line($"| system | delivered msg/s | wire bytes / msg | server CPU µs / msg | server cores | generator cores | wire bytes vs {baseline} | server CPU vs {baseline} |");
        md.Line("|---|---:|---:|---:|---:|---:|---:|---:|");
        var baseBytes = baseRuns is { Count: > 0 } ? Median(baseRuns, r => r.Saturation.WireBytesPerMessage) : double.NaN;
        var baseMicros = baseRuns is { Count: > 0 } ? Median(baseRuns, r => r.Saturation.ServerMicrosPerMessage) : double.NaN;
        foreach (var (system, runs) in bySystem.Where(s => s.Runs.Count > 0))
        {
            var bytes = Median(runs, r => r.Saturation.WireBytesPerMessage);
            var micros = Median(runs, r => r.Saturation.ServerMicrosPerMessage);
            md.Line($"| {system.Name} | {N0(Median(runs, r => r.Saturation.DeliveredPerSecond))} | {bytes:0.0} | {micros:0.00} | {Median(runs, r => r.Saturation.ServerCores):0.00} | " +
                $"{Median(runs, r => r.Saturation.GeneratorCores):0.00} | {Ratio(bytes, baseBytes)} | {Ratio(micros, baseMicros)} |");
        }

        md.Line();
        md.Line("## Server memory (RSS from /proc/<pid>/status, median of runs)");
        md.Line();
        md.Line($"| system | RSS, 0 connections | RSS, {options.Subscribers} subscribers | per connection ((RSS_N − RSS_0) / N) |");
        md.Line("|---|---:|---:|---:|");
        foreach (var (system, runs) in bySystem.Where(s => s.Runs.Count > 0))
        {
            md.Line($"| {system.Name} | {Median(runs, r => r.RssIdleKiB) / 1024:0.0} MiB | {Median(runs, r => r.RssConnectedKiB) / 1024:0.0} MiB | {Median(runs, r => r.PerConnectionKiB):0.0} KiB |");
        }

        md.Line();
        md.Line("## Correctness");
        md.Line();
        foreach (var (system, _) in bySystem)
            CorrectnessLines(md, system, results.Where(r => r.System == system).ToList(), options.Subscribers);

        md.Line();
        md.Line("## Was the generator the bottleneck?");
        md.Line();
        md.Line("CPU in cores over each window (generator = this bench process; other = the rest of the machine, e.g. parallel builds); probe lag = how long a thread-pool work item waited in the generator (it adds to every latency sample); the publisher's waits show what limited saturation.");
        md.Line();
        md.Line("| system | phase | generator | server | other | idle | probe lag p99 / max ms | publisher blocked on slowest subscriber | on acks (window full) |");
        md.Line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (system, runs) in bySystem.Where(s => s.Runs.Count > 0))
        {
            PhaseRow(md, system.Name, "saturation", runs, r => r.Saturation, machine.Cores);
            PhaseRow(md, system.Name, "latency", runs, r => r.Latency, machine.Cores);
        }

        md.Line();
        foreach (var (system, runs) in bySystem.Where(s => s.Runs.Count > 0))
            md.Line($"- {system.Name}: {Verdict(runs, machine.Cores)}");

        md.Line();
        md.Line("## Per run");
        md.Line();
        md.Line("| system | run | delivered msg/s | publish msg/s | rate target / achieved | p50 ms | p99 ms | max ms | samples | connect s | RSS 0 / N MiB |");
        md.Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            if (r.Failure is not null)
            {
                md.Line($"| {r.System.Name} | {r.Run} | FAILED: {OneLine(r.Failure).Replace('|', '/')} | | | | | | | | |");
                continue;
            }

            md.Line($"| {r.System.Name} | {r.Run} | {N0(r.Saturation.DeliveredPerSecond)} | {N0(r.Saturation.PublishedPerSecond)} | {N0(r.LatencyTargetRate)} / {N0(r.LatencyAchievedRate)} | " +
                $"{Ms(r.P50Ms)} | {Ms(r.P99Ms)} | {Ms(r.MaxMs)} | {r.LatencySamples:N0} | {r.ConnectSeconds:0.0} | {r.RssIdleKiB / 1024.0:0.0} / {r.RssConnectedKiB / 1024.0:0.0} |");
        }

        return md.ToString();
    }

    private static void CorrectnessLines(StringBuilder md, BenchSystem system, List<FanoutRunResult> runs, int subscribers)
    {
        var ok = runs.Where(r => r.Failure is null).ToList();
        var sequence = system.IsGateway ? "offsets" : "publish ids";
        var findings = ok.Where(r => r.HasCorrectnessFindings).ToList();
        if (ok.Count > 0 && findings.Count == 0)
        {
            md.Line($"- {system.Name}: {ok.Count} run(s) × {subscribers} subscribers: every subscriber received every {sequence[..^1]} in order — 0 gaps, 0 duplicates, 0 undelivered, 0 disconnects, 0 publish errors.");
        }

        foreach (var r in findings)
        {
            md.Line($"- **!!! {system.Name} run {r.Run}: gaps={r.Gaps} (missing {r.MissingInGaps} messages), duplicates={r.Duplicates}, undelivered after drain={r.Undelivered}, " +
                $"subscribers closed={r.SubscribersClosed}{(r.FirstCloseReason is { } why ? $" (first: {why})" : string.Empty)}, publish errors={r.PublishErrors}" +
                $"{(r.FirstPublishError is { } error ? $" (first: `{error}`)" : string.Empty)}{(r.PublisherClosed is { } closed ? $", publisher closed: {closed}" : string.Empty)}**");
        }

        foreach (var r in runs.Where(r => r.Failure is not null))
            md.Line($"- **!!! {system.Name} run {r.Run} failed: {OneLine(r.Failure!)}**");
    }

    private static void PhaseRow(StringBuilder md, string system, string phase, List<FanoutRunResult> runs, Func<FanoutRunResult, PhaseStats> select, int cores)
    {
        var generator = Median(runs, r => select(r).GeneratorCores);
        var server = Median(runs, r => select(r).ServerCores);
        var other = Median(runs, r => select(r).OtherCores);
        var idle = Math.Max(0, cores - generator - server - other);
        md.Line($"| {system} | {phase} | {generator:0.00} | {server:0.00} | {other:0.00} | {idle:0.00} | {Ms(Median(runs, r => select(r).ProbeLagP99Ms))} / {Ms(Median(runs, r => select(r).ProbeLagMaxMs))} | " +
            $"{Median(runs, r => select(r).LeadWaitShare):P0} | {Median(runs, r => select(r).WindowWaitShare):P0} |");
    }

    private static string Verdict(List<FanoutRunResult> runs, int cores)
    {
        var generator = Median(runs, r => r.Saturation.GeneratorCores);
        var server = Median(runs, r => r.Saturation.ServerCores);
        var other = Median(runs, r => r.Saturation.OtherCores);
        var idle = cores - generator - server - other;
        var lead = Median(runs, r => r.Saturation.LeadWaitShare);
        var window = Median(runs, r => r.Saturation.WindowWaitShare);
        var lag = Median(runs, r => r.Latency.ProbeLagP99Ms);

        string saturation;
        if (idle < SaturatedIdleCores)
        {
            var share = generator / (generator + server);
            saturation = share >= GeneratorCoBottleneckShare
                ? $"saturation was CPU-bound ({generator:0.00} generator + {server:0.00} server + {other:0.00} other cores of {cores}) and the generator took {share:P0} of what generator and server used: **the generator is a co-bottleneck**, read the throughput as a lower bound of the server's on this box"
                : $"saturation was CPU-bound ({generator:0.00} generator + {server:0.00} server + {other:0.00} other cores of {cores}): mostly server-bound, the generator took {share:P0} of what generator and server used";
        }
        else
        {
            saturation = $"saturation left {idle:0.00} cores idle, so the limit was not CPU: the publisher was blocked {window:P0} of the time on acks and {lead:P0} on the slowest subscriber";
        }

        var latency = lag > GeneratorLagWarningMs
            ? $"; **the generator's thread-pool lag (p99 {lag:0.00} ms) is a floor under the measured latency**"
            : $"; generator lag in the latency phase p99 {lag:0.00} ms (small next to the latencies measured)";
        return saturation + latency + ".";
    }
}
