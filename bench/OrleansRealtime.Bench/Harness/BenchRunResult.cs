namespace OrleansRealtime.Bench.Harness;

/// <summary>What every verb's result of one run of one system has.</summary>
internal abstract record BenchRunResult
{
    public required BenchSystem System { get; init; }

    public required int Run { get; init; }

    /// <summary>Set when the run failed; the other values are then partial.</summary>
    public string? Failure { get; init; }
}
