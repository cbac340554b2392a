using System.Text;
using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.Markdown;

namespace OrleansRealtime.Bench.ScaleOut;

/// <summary>The markdown report: medians of runs per gateway count, the cost per message behind them, and every run.</summary>
internal static class ScaleOutReport
{
    public static string Build(IReadOnlyList<ScaleOutRunResult> results, ScaleOutOptions options, BenchInvocation invocation, string loadAtEnd)
    {
        var machine = invocation.Machine;
        var md = new StringBuilder();
        md.Header("Scale-out benchmark", invocation, options.Describe());
        md.Line($"- Load average at start {machine.LoadAverage}, at end {loadAtEnd}; the generator, Redis, {options.Silos} silos and every gateway share these {machine.Cores} cores. Wall time {invocation.Clock.Elapsed.TotalSeconds:0} s.");
        md.Line($"- Each run is a fresh cluster: redis-server, {options.Silos} silo processes (Redis clustering and storage), N gateway processes; {options.Subscribers} WebSocket subscribers on one channel spread evenly over the gateways, one publisher on gateway 1.");
        md.Line("- delivered msg/s: messages received by all subscribers per second while the publisher saturates. Latency: publish → receive at the given share of that configuration's saturation, over subscribers on *other* gateways than the publisher's (all subscribers with one gateway).");
        md.Line($"- Gateway kill (2+ gateways): kill -9 of the last gateway while publishing continues at {options.KillRate} msg/s; its subscribers resume on the others with `since` their last offset. back = all resubscribed (acked), caught up = all reached what was acknowledged when the last was back, offline = a user of the killed gateway watched from another turns `offline` (lease {options.LeaseSeconds} s). lost must be 0 and counts holes and shortfalls of every subscriber, resumed ones included.");
        md.Line("- CPU per message: CPU time of all gateways ÷ messages delivered, of all silos and of Redis ÷ messages published, in the saturation window. On one machine every part competes for the same cores: read these as cost, not as capacity.");
        md.Line();

        md.Line("## Results (median of runs)");
        md.Line();
        md.Line("| gateways | delivered msg/s | published msg/s | latency rate msg/s | p50 ms | p99 ms | gateway µs/delivered | silo µs/published | redis µs/published | killed clients | back s | caught up s | offline s | lost | duplicates |");
        md.Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var gateways in options.GatewayCounts)
        {
            var runs = results.Where(r => r.Gateways == gateways && r.Failure is null).ToList();
            if (runs.Count == 0)
            {
                md.Line($"| {gateways} | failed | | | | | | | | | | | | | |");
                continue;
            }

            md.Line($"| {gateways} | {N0(Median(runs, r => r.DeliveredPerSecond))} | {N0(Median(runs, r => r.PublishedPerSecond))} | {N0(Median(runs, r => r.LatencyRate))} | " +
                $"{Ms(Median(runs, r => r.P50Ms))} | {Ms(Median(runs, r => r.P99Ms))} | {Ms(Median(runs, r => r.GatewayMicrosPerDelivered))} | " +
                $"{Ms(Median(runs, r => r.SiloMicrosPerPublished))} | {Ms(Median(runs, r => r.RedisMicrosPerPublished))} | {N0(Median(runs, r => r.KilledClients))} | " +
                $"{Ms(Median(runs, r => r.BackSeconds))} | {Ms(Median(runs, r => r.CaughtUpSeconds))} | {Ms(Median(runs, r => r.OfflineSeconds))} | " +
                $"{runs.Sum(r => r.Lost)} | {runs.Sum(r => r.Duplicates)} |");
        }

        md.Line();
        md.Line("## Every run");
        md.Line();
        foreach (var result in results)
            md.Line($"- {OneLine(result.Summary().Trim())}");

        var diagnosed = results.Where(r => r.Resume is { Examples.Count: > 0 }).ToList();
        if (diagnosed.Count > 0)
        {
            md.Line();
            md.Line("## Resumed clients' holes and incidents (first few per run)");
            md.Line();
            md.Line("recovered:false = the history no longer reached back to the client's `since` (announced, but still loss); a hole after recovered:true is a broken promise; slow consumer = the new gateway closed the client (close code 4008).");
            md.Line();
            foreach (var result in diagnosed)
            {
                md.Line($"- {result.Gateways} gateway(s) run {result.Run}:");
                foreach (var example in result.Resume!.Examples)
                    md.Line($"  - {OneLine(example)}");
            }
        }

        return md.ToString();
    }
}
