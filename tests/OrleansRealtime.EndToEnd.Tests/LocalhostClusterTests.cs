using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>Gateways as clients of one silo on loopback (<c>Orleans:Clustering=Localhost</c>).</summary>
public sealed class LocalhostClusterTests(LocalhostClusterFixture fixture, ITestOutputHelper output)
    : ClusterTests<LocalhostClusterFixture>(fixture, output);
