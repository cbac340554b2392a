using OrleansRealtime.Bench.Fanout;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Storm;

namespace OrleansRealtime.Bench.Compare;

/// <summary>Every run of every scenario of one <c>compare</c> invocation.</summary>
internal sealed class CompareResults
{
    /// <summary>The fan-out runs, per subscriber count.</summary>
    public List<(int Subscribers, List<FanoutRunResult> Runs)> Fanout { get; } = [];

    public List<FanoutRunResult> Channels { get; } = [];

    public List<StormRunResult> Storm { get; } = [];

    /// <summary>Failed runs, correctness findings, and any message lost by orleans-realtime in the storm (it must lose none).</summary>
    public int Findings =>
        Fanout.Sum(f => f.Runs.Count(r => r.Failure is not null || r.HasCorrectnessFindings))
        + Channels.Count(r => r.Failure is not null || r.HasCorrectnessFindings)
        + Storm.Count(r => r.Failure is not null || (r.System.IsGateway && (r.Lost > 0 || r.Duplicates > 0 || r.Disconnected > 0)));

    /// <summary>The successful runs of <paramref name="system"/> among <paramref name="runs"/>.</summary>
    public static List<T> Of<T>(IEnumerable<T> runs, BenchSystem system)
        where T : BenchRunResult => runs.Where(r => r.System == system && r.Failure is null).ToList();
}
