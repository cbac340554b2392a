using OrleansRealtime.Streams;

namespace OrleansRealtime.Cluster.Tests.Streams;

[Trait("Category", "Unit")]
public sealed class MemoryStreamStoreTests : StreamStoreContractTests
{
    public MemoryStreamStoreTests() => Store = new MemoryStreamStore(Clock);

    protected override IStreamStore Store { get; }

    protected override Task LetAckTimeoutPassAsync(string stream, string group, TimeSpan ackTimeout)
    {
        Clock.Advance(ackTimeout);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnEventIsClaimedExactlyWhenItsAckTimeoutHasPassed()
    {
        var stream = await StreamWithEventsAsync(1);
        await Store.ReadGroupAsync(stream, "workers", "w1", 1, ShortAckTimeout, RetentionCut.None);

        Clock.Advance(ShortAckTimeout - TimeSpan.FromMilliseconds(1));
        var early = await Store.ReadGroupAsync(stream, "workers", "w2", 1, ShortAckTimeout, RetentionCut.None);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var due = await Store.ReadGroupAsync(stream, "workers", "w2", 1, ShortAckTimeout, RetentionCut.None);

        early.Should().BeEmpty();
        due.Select(d => (d.Event.Offset, d.DeliveryCount)).Should().Equal((1, 2));
    }

    [Fact]
    public async Task IdleTimeIsMeasuredOnTheRealtimeClock()
    {
        var stream = await StreamWithEventsAsync(1);
        await Store.ReadGroupAsync(stream, "workers", "w1", 1, NeverIdle, RetentionCut.None);

        Clock.Advance(TimeSpan.FromSeconds(5));

        (await Store.DescribeGroupAsync(stream, "workers", 10))!.Pending.Single().IdleMs.Should().Be(5000);
    }
}
