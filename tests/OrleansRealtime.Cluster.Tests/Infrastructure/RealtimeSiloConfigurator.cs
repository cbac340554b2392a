using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Cluster.Tests.Infrastructure;

/// <summary>
/// Configures a test silo the way production silos are (<see cref="RealtimeHostingExtensions.AddRealtimeGrainServices"/>),
/// with the cluster's fake clock as the realtime clock. TestCluster brings its own clustering.
/// </summary>
public sealed class RealtimeSiloConfigurator : ISiloConfigurator
{
    /// <summary>
    /// The cluster configuration section that holds the silo's realtime configuration (<c>Orleans:Storage</c>,
    /// <c>ConnectionStrings:Redis</c>, <c>Realtime:*</c>). It is kept under its own prefix because Orleans reads
    /// the root <c>Orleans</c> section of a silo's configuration as its own provider settings.
    /// </summary>
    public const string Section = "RealtimeTest";

    /// <summary>The configuration key of the id under which <see cref="TestClocks"/> holds the cluster's clock.</summary>
    public const string ClockIdKey = "RealtimeTestClockId";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var configuration = siloBuilder.Configuration;
        siloBuilder.AddRealtimeGrainServices(configuration.GetSection(Section));

        var clockId = configuration[ClockIdKey] ?? throw new InvalidOperationException($"The test cluster has no {ClockIdKey}.");
        siloBuilder.Services.AddKeyedSingleton<TimeProvider>(RealtimeServiceKeys.Clock, TestClocks.Get(clockId));
    }
}
