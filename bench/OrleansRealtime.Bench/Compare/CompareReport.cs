using System.Globalization;
using System.Text;
using OrleansRealtime.Bench.Fanout;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Storm;
using static OrleansRealtime.Bench.Harness.Markdown;

namespace OrleansRealtime.Bench.Compare;

/// <summary>
/// The <c>compare</c> report: one summary table (medians of runs) with every scenario per system, the ratios against
/// the raw ceiling and between systems (all from this invocation), two nodes against one, the issue's targets, then
/// every scenario's own full report.
/// </summary>
internal static class CompareReport
{
    public const string ReadmeBegin = "<!-- compare:begin (written by `bench/run`; do not edit by hand) -->";
    public const string ReadmeEnd = "<!-- compare:end -->";
    public const string ChartFile = "compare.svg";

    private const string Ours = "orleans-realtime";

    public static string Build(CompareResults results, CompareOptions options, BenchInvocation invocation, string loadAtEnd, string chartFile)
    {
        var md = new StringBuilder();
        md.Header("Side by side: orleans-realtime, SignalR, Socket.IO and the raw WebSocket ceiling", invocation, options.Describe());
        md.Line($"- Load average at start {invocation.Machine.LoadAverage}, at end {loadAtEnd}; generator and servers share these {invocation.Machine.Cores} cores. Wall time {invocation.Clock.Elapsed.TotalMinutes:0.0} min.");
        md.Line();
        md.Line($"![delivered msg/s and p99 per system]({chartFile})");
        md.Line();
        md.Append(Summary(results, options, invocation));

        md.Line();
        md.Line("# Details");
        foreach (var (subscribers, runs) in results.Fanout)
            md.Append(Demote(FanoutReport.Build(runs, options.Fanout.With(subscribers: subscribers), invocation, loadAtEnd)));
        if (results.Channels.Count > 0)
        {
            var topology = FanoutTopology.ManyChannels(options.Channels, options.Room);
            var systems = options.Fanout.Systems.Where(s => s.Kind != ServerKind.Raw).ToList();
            md.Append(Demote(FanoutReport.Build(results.Channels, options.Fanout.With(subscribers: topology.Subscribers, systems: systems), invocation, loadAtEnd, topology)));
        }

        if (results.Storm.Count > 0)
            StormRuns(md, results.Storm);
        return md.ToString();
    }

    /// <summary>The tables that go into bench/README.md: summary, ratios, two nodes vs one, targets.</summary>
    public static string Summary(CompareResults results, CompareOptions options, BenchInvocation invocation)
    {
        var md = new StringBuilder();
        var systems = options.Fanout.Systems;
        var machine = invocation.Machine;
        md.Line($"Measured {invocation.Started:yyyy-MM-dd HH:mm zzz} with `{invocation.Command}`{(options.Quick ? " — **a --quick smoke run: small, short, one run; not a measurement**" : string.Empty)}. " +
            $"{machine.Cores} cores ({machine.CpuModel}) shared by the generator and the servers, {machine.Runtime}, load average {machine.LoadAverage} at the start; " +
            $"{options.Run.Runs} run(s) per system and scenario, systems interleaved, medians of runs.");
        md.Line();

        var sizes = results.Fanout.Select(f => f.Subscribers).ToList();
        var header = new StringBuilder("| system | nodes |");
        var rule = new StringBuilder("|---|---:|");
        foreach (var n in sizes)
        {
            header.Append(CultureInfo.InvariantCulture, $" fan-out {n:N0}: delivered msg/s | p50 / p99 / max ms at 50% |");
            rule.Append("---:|---:|");
        }

        if (sizes.Count > 0)
        {
            header.Append(CultureInfo.InvariantCulture, $" RSS per idle connection at {sizes.Max():N0} |");
            rule.Append("---:|");
        }

        if (results.Channels.Count > 0)
        {
            header.Append(CultureInfo.InvariantCulture, $" {options.Channels:N0} channels + room of {options.Room}: publish msg/s | delivered msg/s | p99 ms |");
            rule.Append("---:|---:|---:|");
        }

        if (results.Storm.Count > 0)
        {
            header.Append(CultureInfo.InvariantCulture, $" storm of {options.StormClients:N0}: all resubscribed s | all recovered s | messages lost |");
            rule.Append("---:|---:|---:|");
        }

        md.Line(header.ToString());
        md.Line(rule.ToString());
        foreach (var system in systems)
        {
            var row = new StringBuilder($"| {system.Name} | {system.Nodes} |");
            foreach (var (_, all) in results.Fanout)
            {
                var runs = CompareResults.Of(all, system);
                row.Append(runs.Count == 0
                    ? " failed | |"
                    : $" {N0(Median(runs, r => r.Saturation.DeliveredPerSecond))} | {Ms(Median(runs, r => r.P50Ms))} / {Ms(Median(runs, r => r.P99Ms))} / {Ms(Median(runs, r => r.MaxMs))} |");
            }

            if (sizes.Count > 0)
            {
                var largest = CompareResults.Of(results.Fanout.First(f => f.Subscribers == sizes.Max()).Runs, system);
                row.Append(largest.Count == 0 ? " n/a |" : $" {KiB(Median(largest, r => r.PerConnectionKiB))} |");
            }

            if (results.Channels.Count > 0)
            {
                var runs = CompareResults.Of(results.Channels, system);
                row.Append(system.Kind == ServerKind.Raw ? " n/a (no channels) | | |"
                    : runs.Count == 0 ? " failed | | |"
                    : $" {N0(Median(runs, r => r.Saturation.PublishedPerSecond))} | {N0(Median(runs, r => r.Saturation.DeliveredPerSecond))} | {Ms(Median(runs, r => r.P99Ms))} |");
            }

            if (results.Storm.Count > 0)
            {
                var runs = CompareResults.Of(results.Storm, system);
                row.Append(runs.Count == 0 ? " failed | | |"
                    : $" {Seconds(Median(runs, r => r.ResubscribedSeconds))} | {Seconds(Median(runs, r => r.RecoveredSeconds))} | {N0(Median(runs, r => r.Lost))}{(system.IsGateway ? string.Empty : " (no recovery)")} |");
            }

            md.Line(row.ToString());
        }

        md.Line();
        md.Line("Delivered msg/s: messages received by all subscribers per second while the publisher publishes as fast as the system answers (at most 64 unanswered, at most 1,000 messages ahead of the slowest subscriber). Latency: publish → receive over every subscriber's messages at 50% of *that system's own* saturation rate. RSS per idle connection: (RSS with N subscribed idle connections − RSS before) ÷ N, summed over all of a system's processes (for 2 nodes: both, plus the silo for ours). Storm: every client drops its connection at once and reconnects; ours resubscribes with `since` (recovery from history), the peers simply subscribe again (they have no recovery), so what was published meanwhile is lost to them.");
        md.Line();

        Ratios(md, results, systems);
        TwoNodes(md, results, systems);
        Targets(md, results, systems);
        return md.ToString();
    }

    /// <summary>Replaces what is between the markers of the README with <paramref name="summary"/> and writes the chart next to it.</summary>
    public static async Task UpdateReadmeAsync(string readme, string summary, string chart, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(readme, cancellationToken);
        var begin = text.IndexOf(ReadmeBegin, StringComparison.Ordinal);
        var end = text.IndexOf(ReadmeEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
            throw new InvalidOperationException($"{readme} has no '{ReadmeBegin}' … '{ReadmeEnd}' block");
        var block = $"{ReadmeBegin}\n\n![delivered msg/s and p99 per system]({ChartFile})\n\n{summary}\n";
        await File.WriteAllTextAsync(readme, string.Concat(text.AsSpan(0, begin), block, text.AsSpan(end)), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(readme))!, ChartFile), chart, cancellationToken);
    }

    private static void Ratios(StringBuilder md, CompareResults results, IReadOnlyList<BenchSystem> systems)
    {
        if (results.Fanout.Count == 0)
            return;
        md.Line("**Ratios** (same invocation): throughput and p99 against `raw-websocket` (the machine's ceiling: no protocol, no channels), and orleans-realtime's throughput against each system (> 1× means orleans-realtime delivered more).");
        md.Line();
        var header = new StringBuilder("| system |");
        var rule = new StringBuilder("|---|");
        foreach (var (n, _) in results.Fanout)
        {
            header.Append(CultureInfo.InvariantCulture, $" {n:N0}: msg/s vs raw | p99 vs raw | orleans-realtime ÷ this |");
            rule.Append("---:|---:|---:|");
        }

        md.Line(header.ToString());
        md.Line(rule.ToString());
        foreach (var system in systems)
        {
            var row = new StringBuilder($"| {system.Name} |");
            foreach (var (_, all) in results.Fanout)
            {
                var delivered = Value(all, system.Name, r => r.Saturation.DeliveredPerSecond);
                var p99 = Value(all, system.Name, r => r.P99Ms);
                row.Append(CultureInfo.InvariantCulture,
                    $" {Ratio(delivered, Value(all, BenchSystem.RawName, r => r.Saturation.DeliveredPerSecond))} | {Ratio(p99, Value(all, BenchSystem.RawName, r => r.P99Ms))} | {Ratio(Value(all, Ours, r => r.Saturation.DeliveredPerSecond), delivered)} |");
            }

            md.Line(row.ToString());
        }

        md.Line();
    }

    private static void TwoNodes(StringBuilder md, CompareResults results, IReadOnlyList<BenchSystem> systems)
    {
        var pairs = systems.Where(s => s.Nodes > 1)
            .Select(two => (Two: two, One: systems.FirstOrDefault(one => one.Nodes == 1 && one.Kind == (two.Kind == ServerKind.GatewayCluster ? ServerKind.Gateway : two.Kind))))
            .Where(p => p.One is not null)
            .ToList();
        if (pairs.Count == 0 || results.Fanout.Count == 0)
            return;
        md.Line("**Two nodes against one** (same machine, so a second node adds coordination — Orleans cluster, Redis backplane or adapter — but no cores; subscribers spread over both nodes, the publisher on the first):");
        md.Line();
        var header = new StringBuilder("| 2 nodes ÷ 1 node |");
        var rule = new StringBuilder("|---|");
        foreach (var (n, _) in results.Fanout)
        {
            header.Append(CultureInfo.InvariantCulture, $" {n:N0}: delivered msg/s | p99 |");
            rule.Append("---:|---:|");
        }

        if (results.Channels.Count > 0)
        {
            header.Append(" channels: publish msg/s |");
            rule.Append("---:|");
        }

        md.Line(header.ToString());
        md.Line(rule.ToString());
        foreach (var (two, one) in pairs)
        {
            var row = new StringBuilder($"| {two.Name} ÷ {one!.Name} |");
            foreach (var (_, all) in results.Fanout)
            {
                row.Append(CultureInfo.InvariantCulture,
                    $" {Ratio(Value(all, two.Name, r => r.Saturation.DeliveredPerSecond), Value(all, one.Name, r => r.Saturation.DeliveredPerSecond))} | {Ratio(Value(all, two.Name, r => r.P99Ms), Value(all, one.Name, r => r.P99Ms))} |");
            }

            if (results.Channels.Count > 0)
                row.Append(CultureInfo.InvariantCulture, $" {Ratio(Value(results.Channels, two.Name, r => r.Saturation.PublishedPerSecond), Value(results.Channels, one.Name, r => r.Saturation.PublishedPerSecond))} |");
            md.Line(row.ToString());
        }

        md.Line();
    }

    private static void Targets(StringBuilder md, CompareResults results, IReadOnlyList<BenchSystem> systems)
    {
        if (results.Fanout.Count == 0 || !systems.Any(s => s.Name == Ours))
            return;
        md.Line("**The issue's targets for orleans-realtime** (measured here; met = ✅, missed = ❌):");
        md.Line();
        md.Line("| target | " + string.Join(" | ", results.Fanout.Select(f => $"{f.Subscribers:N0} subscribers")) + " |");
        md.Line("|---|" + string.Concat(results.Fanout.Select(_ => "---:|")));
        TargetRow(md, results, "fan-out msg/s ≥ 0.7× raw-websocket", all => (Value(all, Ours, r => r.Saturation.DeliveredPerSecond), Value(all, BenchSystem.RawName, r => r.Saturation.DeliveredPerSecond)), 0.7, atLeast: true);
        foreach (var (name, times) in new[] { ("signalr-redis-2n", 2.0), ("socketio-redis-2n", 3.0) })
        {
            TargetRow(md, results, $"fan-out msg/s ≥ {times:0}× {name} (orleans-realtime, 1 node)", all => (Value(all, Ours, r => r.Saturation.DeliveredPerSecond), Value(all, name, r => r.Saturation.DeliveredPerSecond)), times, atLeast: true);
            TargetRow(md, results, $"fan-out msg/s ≥ {times:0}× {name} (orleans-realtime-2gw)", all => (Value(all, "orleans-realtime-2gw", r => r.Saturation.DeliveredPerSecond), Value(all, name, r => r.Saturation.DeliveredPerSecond)), times, atLeast: true);
        }

        TargetRow(md, results, "p99 at 50% load ≤ 1.5× raw-websocket's", all => (Value(all, Ours, r => r.P99Ms), Value(all, BenchSystem.RawName, r => r.P99Ms)), 1.5, atLeast: false);
        var largest = results.Fanout.MaxBy(f => f.Subscribers);
        var perConnection = Value(largest.Runs, Ours, r => r.PerConnectionKiB);
        md.Line($"| ≤ 8 KB RSS per idle connection (at {largest.Subscribers:N0}) | {(double.IsNaN(perConnection) ? "n/a" : $"{KiB(perConnection)} {(perConnection * 1024 <= 8000 ? "✅" : "❌")}")} |" + string.Concat(results.Fanout.Skip(1).Select(_ => " |")));
        md.Line();
    }

    private static void TargetRow(StringBuilder md, CompareResults results, string target, Func<List<FanoutRunResult>, (double Value, double Baseline)> measure, double threshold, bool atLeast)
    {
        var row = new StringBuilder($"| {target} |");
        foreach (var (_, all) in results.Fanout)
        {
            var (value, baseline) = measure(all);
            var ratio = value / baseline;
            row.Append(double.IsNaN(ratio) || double.IsInfinity(ratio)
                ? " n/a |"
                : string.Create(CultureInfo.InvariantCulture, $" {ratio:0.00}× {((atLeast ? ratio >= threshold : ratio <= threshold) ? "✅" : "❌")} |"));
        }

        md.Line(row.ToString());
    }

    private static void StormRuns(StringBuilder md, List<StormRunResult> storm)
    {
        md.Line();
        md.Line("## Reconnect storm, per run");
        md.Line();
        md.Line("| system | run | clients | publish msg/s | all resubscribed s | all recovered s | lost | duplicates | disconnected | publish errors |");
        md.Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in storm)
        {
            md.Line(r.Failure is not null
                ? $"| {r.System.Name} | {r.Run} | {r.Clients} | failed: {OneLine(r.Failure)} | | | | | | |"
                : $"| {r.System.Name} | {r.Run} | {r.Clients} | {N0(r.PublishRate)} | {Seconds(r.ResubscribedSeconds)} | {Seconds(r.RecoveredSeconds)} | {r.Lost:N0} | {r.Duplicates:N0} | " +
                  $"{r.Disconnected}{(r.FirstCloseReason is { } why ? $" ({OneLine(why)})" : string.Empty)} | {r.PublishErrors:N0} |");
        }
    }

    private static double Value<T>(IEnumerable<T> runs, string system, Func<T, double> value)
        where T : BenchRunResult
    {
        var ofSystem = runs.Where(r => r.System.Name == system && r.Failure is null).ToList();
        return ofSystem.Count == 0 ? double.NaN : Median(ofSystem, value);
    }

    private static string KiB(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.0", CultureInfo.InvariantCulture) + " KiB";

    private static string Seconds(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A scenario's own report below the summary: every heading one level deeper.</summary>
    private static string Demote(string report) =>
        string.Join('\n', report.Split('\n').Select(line => line.StartsWith('#') ? "#" + line : line)) + "\n";
}
