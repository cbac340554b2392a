namespace OrleansRealtime.Gateway.Tests.Infrastructure;

internal static class TestNames
{
    /// <summary>A channel name no other test uses, so tests can share one gateway.</summary>
    public static string Channel(string prefix = "test") => $"{prefix}.{Guid.NewGuid():N}";

    /// <summary>A user id no other test uses (for <c>?user=</c>).</summary>
    public static string User(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}";
}
