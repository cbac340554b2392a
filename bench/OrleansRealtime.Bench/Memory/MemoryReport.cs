using System.Globalization;
using System.Text;
using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.Markdown;

namespace OrleansRealtime.Bench.Memory;

/// <summary>The markdown report of <c>memory</c>: bytes per idle connection per transport, medians of runs.</summary>
internal static class MemoryReport
{
    public static string Build(IReadOnlyList<MemoryRunResult> results, MemoryOptions options, BenchInvocation invocation, string loadAtEnd)
    {
        var md = new StringBuilder();
        md.Header("Memory per idle connection", invocation, options.Describe());
        md.Line($"- Load average at start {invocation.Machine.LoadAverage}, at end {loadAtEnd}. Wall time {invocation.Clock.Elapsed.TotalSeconds:0} s.");
        md.Line($"- Per run: a fresh gateway (server GC, as deployed) with the bench's GC probe; {options.WarmupConnections} warm-up connections, then **before**; {options.Connections} more idle connections, each subscribed to one channel (long polling: each with a poll outstanding), then **after**. Per connection = (after − before) / {options.Connections}.");
        md.Line("- live heap = `GC.GetTotalMemory` right after a full blocking compacting GC in the gateway (what the connections keep reachable); GC committed = the GC's committed bytes after that GC; RSS = `VmRSS` after it (native buffers, sockets' managed and unmanaged state, thread stacks, GC slack).");
        md.Line("- Every transport but `websocket-silo` runs on a gateway with its embedded silo, so the grains each connection activates (its user, its direct and presence logs, their stream rendezvous, its rate budget) count too; `websocket-silo` is a gateway whose grains live in a separate silo over Redis, as deployed, and its figures are the gateway process's alone.");
        md.Line();

        var byTransport = options.Systems
            .Select(system => (System: system, Runs: results.Where(r => r.System == system && r.Failure is null).ToList()))
            .ToList();
        var baseRuns = byTransport.FirstOrDefault(t => t.System.Name == BenchSystem.WebSocketName).Runs;
        var baseLive = baseRuns is { Count: > 0 } ? Median(baseRuns, r => r.LivePerConnectionKiB) : double.NaN;

        md.Line("## Per idle connection (median of runs)");
        md.Line();
        md.Line("| transport | connections | live heap KiB / conn | GC committed KiB / conn | RSS KiB / conn | live heap vs websocket | live heap before → after MiB | RSS before → after MiB | connect s |");
        md.Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (system, runs) in byTransport)
        {
            if (runs.Count == 0)
            {
                md.Line($"| {system.Name} | {options.Connections} | failed | | | | | | |");
                continue;
            }

            var live = Median(runs, r => r.LivePerConnectionKiB);
            md.Line($"| {system.Name} | {options.Connections} | {live:0.0} | {Median(runs, r => r.CommittedPerConnectionKiB):0.0} | {Median(runs, r => r.RssPerConnectionKiB):0.0} | {Ratio(live, baseLive)} | " +
                $"{Median(runs, r => r.HeapBefore.LiveBytes) / Mi:0.0} → {Median(runs, r => r.HeapAfter.LiveBytes) / Mi:0.0} | " +
                $"{Median(runs, r => r.RssBeforeKiB) / 1024:0.0} → {Median(runs, r => r.RssAfterKiB) / 1024:0.0} | {Median(runs, r => r.ConnectSeconds):0.0} |");
        }

        md.Line();
        md.Line("## Connections");
        md.Line();
        foreach (var (system, _) in byTransport)
        {
            var runs = results.Where(r => r.System == system).ToList();
            var ok = runs.Where(r => r.Failure is null && r.Closed == 0).ToList();
            if (ok.Count == runs.Count)
                md.Line($"- {system.Name}: {ok.Count} run(s): every connection was still open at the second measurement.");
            foreach (var r in runs.Where(r => r.Failure is null && r.Closed > 0))
                md.Line($"- **!!! {system.Name} run {r.Run}: {r.Closed} connections closed before the measurement (first: {r.FirstCloseReason})**");
            foreach (var r in runs.Where(r => r.Failure is not null))
                md.Line($"- **!!! {system.Name} run {r.Run} failed: {OneLine(r.Failure!)}**");
        }

        md.Line();
        md.Line("## Per run");
        md.Line();
        md.Line("| transport | run | live heap KiB / conn | GC committed KiB / conn | RSS KiB / conn | live heap before / after MiB | RSS before / after MiB | connect s |");
        md.Line("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results.Where(r => r.Failure is null))
        {
            md.Line($"| {r.System.Name} | {r.Run} | {r.LivePerConnectionKiB:0.0} | {r.CommittedPerConnectionKiB:0.0} | {r.RssPerConnectionKiB:0.0} | " +
                $"{r.HeapBefore.LiveBytes / Mi:0.0} / {r.HeapAfter.LiveBytes / Mi:0.0} | {r.RssBeforeKiB / 1024.0:0.0} / {r.RssAfterKiB / 1024.0:0.0} | {r.ConnectSeconds.ToString("0.0", CultureInfo.InvariantCulture)} |");
        }

        return md.ToString();
    }

    private const double Mi = 1024.0 * 1024.0;
}
