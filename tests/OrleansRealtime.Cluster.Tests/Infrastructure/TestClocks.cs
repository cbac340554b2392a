using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace OrleansRealtime.Cluster.Tests.Infrastructure;

/// <summary>
/// Hands a fixture's <see cref="FakeTimeProvider"/> to the silos it starts. TestCluster creates silo configurators by
/// type, so the fixture passes an id through the cluster's configuration; the silos run in this process and resolve
/// the very instance the test advances.
/// </summary>
internal static class TestClocks
{
    private static readonly ConcurrentDictionary<string, FakeTimeProvider> Clocks = new(StringComparer.Ordinal);

    public static string Register(FakeTimeProvider clock)
    {
        var id = Guid.NewGuid().ToString("N");
        Clocks[id] = clock;
        return id;
    }

    public static FakeTimeProvider Get(string id) =>
        Clocks.TryGetValue(id, out var clock) ? clock : throw new InvalidOperationException($"No test clock '{id}' is registered.");

    public static void Unregister(string id) => Clocks.TryRemove(id, out _);
}
