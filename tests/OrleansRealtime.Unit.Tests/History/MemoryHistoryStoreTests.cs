using OrleansRealtime.History;

namespace OrleansRealtime.Unit.Tests.History;

[Trait("Category", "Unit")]
public sealed class MemoryHistoryStoreTests : HistoryStoreContractTests
{
    protected override IHistoryStore CreateStore(HistoryOptions options) => new MemoryHistoryStore(Wrap(options), Clock);

    // Memory history lives as long as its store: a new store is what a restarted silo sees.
    protected override Task<IHistoryStore> LoseEverythingAsync(IHistoryStore store, HistoryOptions options) =>
        Task.FromResult(CreateStore(options));

    [Fact]
    public async Task ARingThatGrewAndWrappedStillReadsInOrder()
    {
        var store = CreateStore(Options(size: 50));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;

        await AppendAsync(store, channel, epoch, 1, 137);

        Offsets(await store.ReadAsync(channel, 0, 100)).Should().Equal(Enumerable.Range(88, 50).Select(i => (long)i));
        Offsets(await store.ReadAsync(channel, 120, 5)).Should().Equal(121, 122, 123, 124, 125);
    }
}
