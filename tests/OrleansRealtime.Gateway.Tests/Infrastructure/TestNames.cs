namespace OrleansRealtime.Gateway.Tests.Infrastructure;

internal static class TestNames
{
    /// <summary>A channel name no other test uses, so tests can share one gateway.</summary>
    public static string Channel(string prefix = "test") => $"{prefix}.{Guid.NewGuid():N}";
}
