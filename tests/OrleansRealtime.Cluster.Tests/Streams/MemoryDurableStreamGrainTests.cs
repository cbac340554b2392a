using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Streams;

namespace OrleansRealtime.Cluster.Tests.Streams;

[Trait("Category", "Cluster")]
public sealed class MemoryDurableStreamGrainTests(MemoryChannelClusterFixture fixture)
    : DurableStreamGrainTests(fixture), IClassFixture<MemoryChannelClusterFixture>
{
    // The memory store measures idle time on the realtime clock, which is the fixture's fake clock.
    protected override Task LetAckTimeoutPassAsync(IDurableStreamGrain grain, string group)
    {
        Fixture.Clock.Advance(TimeSpan.FromMilliseconds(ChannelClusterFixture.StreamAckTimeoutMs));
        return Task.CompletedTask;
    }
}
