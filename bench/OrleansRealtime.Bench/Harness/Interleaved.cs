namespace OrleansRealtime.Bench.Harness;

/// <summary>
/// Runs every system <c>runs</c> times, interleaved: run r starts with a different system, so no system always goes
/// first or last while the machine's other load changes. A run that throws becomes a failed result; the others go on.
/// </summary>
internal static class Interleaved
{
    public static async Task<List<TResult>> RunAsync<TResult>(
        IReadOnlyList<BenchSystem> systems,
        int runs,
        Func<BenchSystem, int, Task<TResult>> runOne,
        Func<BenchSystem, int, string, TResult> failed,
        Func<TResult, string> summary,
        CancellationToken cancellationToken)
    {
        var results = new List<TResult>();
        for (var run = 1; run <= runs; run++)
        {
            for (var i = 0; i < systems.Count; i++)
            {
                var system = systems[(i + run - 1) % systems.Count];
                Progress($"run {run}/{runs}: {system.Name}");
                TResult result;
                try
                {
                    result = await runOne(system, run);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Progress($"  FAILED: {ex.GetType().Name}: {ex.Message}");
                    result = failed(system, run, $"{ex.GetType().Name}: {ex.Message}");
                }

                results.Add(result);
                Progress(summary(result));
            }
        }

        return results;
    }

    /// <summary>A progress line on stderr (stdout carries the report).</summary>
    public static void Progress(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
