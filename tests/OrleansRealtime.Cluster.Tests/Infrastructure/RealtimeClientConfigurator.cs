using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace OrleansRealtime.Cluster.Tests.Infrastructure;

/// <summary>Lets the test cluster's client subscribe to channel streams, as a gateway does.</summary>
public sealed class RealtimeClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.AddMemoryStreams(StreamNames.Provider);
}
