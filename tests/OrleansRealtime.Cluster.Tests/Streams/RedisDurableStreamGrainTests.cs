using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Streams;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Streams;

[Trait("Category", "Cluster")]
public sealed class RedisDurableStreamGrainTests(RedisChannelClusterFixture fixture)
    : DurableStreamGrainTests(fixture), IClassFixture<RedisChannelClusterFixture>
{
    // Redis measures idle time on its own clock: poll the pending list, with a deadline, until the time-out has passed there.
    protected override Task LetAckTimeoutPassAsync(IDurableStreamGrain grain, string group) =>
        Eventually.HoldsAsync(
            async () => (await grain.DescribeGroupAsync(group)).Pending,
            pending => pending.All(p => p.IdleMs >= ChannelClusterFixture.StreamAckTimeoutMs),
            $"the pending events of {group} to reach the ack time-out");

    [Fact]
    public async Task EventsOffsetsAndGroupsOutliveTheClusterThatWroteThem()
    {
        var stream = NewStream();
        var first = await Fixture.StartClusterAsync().WithTimeout(Timeout, "a first cluster to start");
        try
        {
            var grain = first.Client.GetGrain<IDurableStreamGrain>(stream);
            await grain.CreateAsync(Immediate());
            await grain.AppendAsync([Event("a"), Event("b"), Event("c")]);
            await grain.ReadGroupAsync("workers", "w1", 2, 0);
            await grain.AckAsync("workers", "w1", [1]);
        }
        finally
        {
            await ChannelClusterFixture.StopAsync(first);
        }

        var second = await Fixture.StartClusterAsync().WithTimeout(Timeout, "a second cluster to start");
        try
        {
            var grain = second.Client.GetGrain<IDurableStreamGrain>(stream);
            (await grain.DescribeAsync()).Should().BeEquivalentTo(new { Length = 3L, LastOffset = 3L, Settings = Immediate() });
            var group = await grain.DescribeGroupAsync("workers");
            group.Should().BeEquivalentTo(new { LastDeliveredOffset = 2L, PendingCount = 1L });
            group.Pending.Single().Should().BeEquivalentTo(new { Offset = 2L, Consumer = "w1", DeliveryCount = 1 });
            (await grain.AppendAsync([Event("d")])).Should().Be(4, "offsets continue where the store says");
            (await grain.AckAsync("workers", "w1", [2])).Should().Be(1, "w1 finishes its work after the restart");
            (await grain.ReadGroupAsync("workers", "w2", 10, 0)).Select(d => d.Event.Offset).Should().Equal(3, 4);
        }
        finally
        {
            await ChannelClusterFixture.StopAsync(second);
        }
    }
}
