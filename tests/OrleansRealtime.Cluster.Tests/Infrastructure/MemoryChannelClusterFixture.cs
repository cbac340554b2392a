namespace OrleansRealtime.Cluster.Tests.Infrastructure;

/// <summary>
/// Memory storage and memory history, as the embedded gateway runs. One silo: memory history lives in a silo, so a
/// channel that reactivated on another silo would rightly start a new epoch.
/// </summary>
public sealed class MemoryChannelClusterFixture : ChannelClusterFixture
{
    protected override short SiloCount => 1;

    protected override IReadOnlyDictionary<string, string> StorageSettings() =>
        new Dictionary<string, string> { ["Orleans:Storage"] = "Memory" };
}
