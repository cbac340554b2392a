using System.Text;
using Orleans.Streams;
using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Streams;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Streams;

/// <summary>
/// What live subscribers of a durable stream rest on: the grain publishes each batch once it is durable, in offset
/// order, with the stream's epoch, and answers reads after a position with whether they continue it.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class DurableStreamLiveTests(MemoryChannelClusterFixture fixture) : IClassFixture<MemoryChannelClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A flush interval no test lets pass: only a full buffer writes.</summary>
    private const int NeverFlushMs = 60_000;

    [Fact]
    public async Task OnlyWrittenBatchesArePublishedWholeAndInOffsetOrder()
    {
        var stream = NewStream();
        var grain = await CreateAsync(stream, new StreamSettings(StreamType.Event, 5, NeverFlushMs, default));
        await using var live = await LiveBatches.SubscribeAsync(fixture, stream);

        // Four appends wait in the buffer; the fifth fills it, and the batch is written, then published.
        var waiting = Enumerable.Range(1, 4).Select(i => grain.AppendAsync([Event($"e{i}")]).AsTask()).ToList();
        await Eventually.HoldsAsync(async () => (await grain.DescribeAsync()).Buffered, buffered => buffered == 4, "four buffered events");
        waiting.Add(grain.AppendAsync([Event("e5")]).AsTask());
        await Task.WhenAll(waiting).WithTimeout(Timeout, "the first batch to be written");
        await Task.WhenAll(Enumerable.Range(6, 5).Select(i => grain.AppendAsync([Event($"e{i}")]).AsTask())).WithTimeout(Timeout, "the second batch");

        var batches = await live.UntilOffsetAsync(10);

        batches.Select(b => b.Events.Select(e => e.Offset)).Should().BeEquivalentTo(
            new[] { new long[] { 1, 2, 3, 4, 5 }, [6, 7, 8, 9, 10] }, options => options.WithStrictOrdering(),
            "buffered events are published only with their written batch, never one by one before it");
        live.WritesSeen.Select((writes, index) => writes - (index + 1)).Should().OnlyContain(
            ahead => ahead >= 0, "the n-th batch arrives only once the store has taken n writes (delivery may lag further writes)");
        batches[0].Events.Select(e => e.Event).Should().BeEquivalentTo(Enumerable.Range(1, 5).Select(i => $"e{i}"), "concurrent appends take offsets in arrival order");
        batches[1].Events.Select(e => e.Event).Should().BeEquivalentTo(Enumerable.Range(6, 5).Select(i => $"e{i}"));
    }

    [Fact]
    public async Task ConcurrentAppendsArePublishedWithEveryOffsetOnceInOrderAndTheStreamsEpoch()
    {
        var stream = NewStream();
        var grain = await CreateAsync(stream, new StreamSettings(StreamType.Metrics, 100, 0, default));
        await using var live = await LiveBatches.SubscribeAsync(fixture, stream);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => grain.AppendAsync([Event($"a{i}"), Event($"b{i}")]).AsTask()))
            .WithTimeout(Timeout, "20 concurrent appends");
        var batches = await live.UntilOffsetAsync(40);

        batches.SelectMany(b => b.Events).Select(e => e.Offset).Should().Equal(Enumerable.Range(1, 40).Select(i => (long)i));
        var epoch = (await grain.DescribeAsync()).Epoch;
        epoch.Should().NotBeNullOrEmpty();
        batches.Should().OnlyContain(b => b.Epoch == epoch && b.Stream == stream);
    }

    [Fact]
    public async Task AFailedWriteIsNotPublishedAndTheNextBatchContinuesItsOffsets()
    {
        var stream = NewStream();
        var grain = await CreateAsync(stream, new StreamSettings(StreamType.Log, 100, 0, default));
        await using var live = await LiveBatches.SubscribeAsync(fixture, stream);
        await grain.AppendAsync([Event("kept")]);

        foreach (var store in fixture.StreamStores)
            store.FailNextWrite(stream);
        var failed = () => grain.AppendAsync([Event("lost")]).AsTask();
        await failed.Should().ThrowAsync<IOException>();
        await grain.AppendAsync([Event("next")]);

        var batches = await live.UntilOffsetAsync(2);
        batches.SelectMany(b => b.Events).Select(e => (e.Offset, e.Event)).Should().Equal((1, "kept"), (2, "next"));
    }

    [Fact]
    public async Task ReadAfterContinuesAPositionOfTheCurrentEpochOnly()
    {
        var stream = NewStream();
        var grain = await CreateAsync(stream, new StreamSettings(StreamType.Event, 100, 0, new StreamRetention(5, 0)));
        for (var i = 1; i <= 8; i++)
            await grain.AppendAsync([Event($"e{i}")]);
        var position = await grain.GetPositionAsync();

        var recent = await grain.ReadAfterAsync(5, position.Epoch, 2);
        var trimmed = await grain.ReadAfterAsync(1, position.Epoch, 10);
        var atTop = await grain.ReadAfterAsync(8, position.Epoch, 10);
        var otherEpoch = await grain.ReadAfterAsync(5, "not-the-epoch", 10);
        var noEpoch = await grain.ReadAfterAsync(3, null, 10);

        position.Offset.Should().Be(8);
        recent.Should().BeEquivalentTo(new { Continuous = true, More = true, LastOffset = 8L, position.Epoch });
        recent.Events.Select(e => e.Offset).Should().Equal(6, 7);
        trimmed.Continuous.Should().BeFalse("retention kept only offsets 4 to 8: 2 and 3 are gone");
        atTop.Should().BeEquivalentTo(new { Continuous = true, More = false });
        atTop.Events.Should().BeEmpty();
        otherEpoch.Continuous.Should().BeFalse();
        otherEpoch.Events.Should().BeEmpty("nothing of another incarnation is replayed");
        noEpoch.Continuous.Should().BeTrue();
        noEpoch.Events.Select(e => e.Offset).Should().Equal(4, 5, 6, 7, 8);
    }

    [Fact]
    public async Task AStreamCreatedAgainUnderTheSameNameHasANewEpoch()
    {
        var stream = NewStream();
        var grain = await CreateAsync(stream, new StreamSettings(StreamType.Event, 100, 0, default));
        await grain.AppendAsync([Event("old")]);
        var old = await grain.GetPositionAsync();

        await grain.DeleteAsync();
        var missing = () => grain.GetPositionAsync().AsTask();
        await missing.Should().ThrowAsync<StreamNotFoundException>();
        await CreateAsync(stream, new StreamSettings(StreamType.Event, 100, 0, default));
        var renewed = await grain.GetPositionAsync();

        renewed.Offset.Should().Be(0);
        renewed.Epoch.Should().NotBe(old.Epoch);
        (await grain.DescribeAsync()).Epoch.Should().Be(renewed.Epoch);
        (await grain.ReadAfterAsync(0, old.Epoch, 10)).Continuous.Should().BeFalse("a position of the deleted stream means nothing now");
    }

    private async Task<IDurableStreamGrain> CreateAsync(string stream, StreamSettings settings)
    {
        var grain = fixture.Client.GetGrain<IDurableStreamGrain>(stream);
        (await grain.CreateAsync(settings)).Outcome.Should().Be(StreamCreationOutcome.Created);
        return grain;
    }

    private static string NewStream() => $"live.{Guid.NewGuid():N}";

    private static NewStreamEvent Event(string name) => new(name, Encoding.UTF8.GetBytes("{}"));

    /// <summary>The batches the stream's Orleans stream delivers, with the store writes counted when each arrived.</summary>
    private sealed class LiveBatches : IAsyncDisposable
    {
        private readonly List<StreamBatch> _batches = [];
        private readonly List<int> _writesSeen = [];
        private readonly ChannelClusterFixture _fixture;
        private readonly string _stream;
        private TaskCompletionSource<long> _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private StreamSubscriptionHandle<StreamBatch>? _handle;

        private LiveBatches(ChannelClusterFixture fixture, string stream) => (_fixture, _stream) = (fixture, stream);

        public IReadOnlyList<int> WritesSeen
        {
            get
            {
                lock (_batches)
                    return [.. _writesSeen];
            }
        }

        public static async Task<LiveBatches> SubscribeAsync(ChannelClusterFixture fixture, string stream)
        {
            var live = new LiveBatches(fixture, stream);
            live._handle = await fixture.Client.GetStreamProvider(StreamNames.Provider)
                .GetStream<StreamBatch>(StreamId.Create(StreamNames.Stream, stream))
                .SubscribeAsync((batch, _) => live.OnBatch(batch));
            return live;
        }

        /// <summary>The batches received once one carried <paramref name="offset"/>.</summary>
        public async Task<List<StreamBatch>> UntilOffsetAsync(long offset)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                Task<long> progress;
                lock (_batches)
                {
                    if (_batches.Count > 0 && _batches[^1].Events[^1].Offset >= offset)
                        return [.. _batches];
                    progress = _progress.Task;
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException($"no batch reaching offset {offset} was published within {Timeout.TotalSeconds:F0} s");
                await progress.WithTimeout(left, $"a batch reaching offset {offset}");
            }
        }

        private Task OnBatch(StreamBatch batch)
        {
            TaskCompletionSource<long> progress;
            lock (_batches)
            {
                _batches.Add(batch);
                _writesSeen.Add(_fixture.StreamWritesOf(_stream));
                progress = _progress;
                _progress = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            progress.TrySetResult(batch.Events[^1].Offset);
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            if (_handle is not null)
                await _handle.UnsubscribeAsync();
        }
    }
}
