using OrleansRealtime.Cluster.Tests.Infrastructure;

namespace OrleansRealtime.Cluster.Tests.Channels;

[Trait("Category", "Cluster")]
public sealed class MemoryChannelGrainTests(MemoryChannelClusterFixture fixture)
    : ChannelGrainTests(fixture), IClassFixture<MemoryChannelClusterFixture>;
