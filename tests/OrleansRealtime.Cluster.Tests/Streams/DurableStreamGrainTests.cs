using System.Text;
using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Streams;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Streams;

/// <summary>The durable stream grain's behaviour, run once per storage (one subclass each, each with its own cluster).</summary>
public abstract class DurableStreamGrainTests(ChannelClusterFixture fixture)
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A flush interval no test lets pass: only a full buffer writes.</summary>
    protected const int NeverFlushMs = 60_000;

    protected ChannelClusterFixture Fixture => fixture;

    protected IDurableStreamGrain Grain(string stream) => fixture.Client.GetGrain<IDurableStreamGrain>(stream);

    protected static string NewStream() => $"test.{Guid.NewGuid():N}";

    /// <summary>Settings that write every append at once (a flush interval on the fake clock would wait for the test).</summary>
    protected static StreamSettings Immediate(long maxEvents = 0, long maxAgeSeconds = 0) =>
        new(StreamType.Event, 100, 0, new StreamRetention(maxEvents, maxAgeSeconds));

    /// <summary>Returns once the group's pending events have been idle for the ack time-out.</summary>
    protected abstract Task LetAckTimeoutPassAsync(IDurableStreamGrain grain, string group);

    [Fact]
    public async Task CreateIsIdempotentForTheSameSettingsAndAConflictForOthers()
    {
        var grain = Grain(NewStream());
        var settings = new StreamSettings(StreamType.Log, 50, 20, new StreamRetention(1000, 3600));

        var first = await grain.CreateAsync(settings);
        var again = await grain.CreateAsync(settings);
        var other = await grain.CreateAsync(settings with { Type = StreamType.Metrics });

        first.Outcome.Should().Be(StreamCreationOutcome.Created);
        again.Outcome.Should().Be(StreamCreationOutcome.Existed);
        other.Outcome.Should().Be(StreamCreationOutcome.Conflict);
        other.Stream.Settings.Should().Be(settings, "a conflicting create changes nothing");
        first.Stream.Should().BeEquivalentTo(new { Settings = settings, Length = 0L, FirstOffset = 1L, LastOffset = 0L, Buffered = 0 });
    }

    [Fact]
    public async Task CreateRefusesSettingsOutOfRange()
    {
        var grain = Grain(NewStream());

        var create = () => grain.CreateAsync(Immediate() with { BufferSize = 0 }).AsTask();

        (await create.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("bufferSize");
        var describe = () => grain.DescribeAsync().AsTask();
        await describe.Should().ThrowAsync<StreamNotFoundException>();
    }

    [Fact]
    public async Task EveryOperationOnAStreamThatDoesNotExistIsNotFound()
    {
        var grain = Grain(NewStream());

        await ((Func<Task>)(() => grain.AppendAsync([Event("a")]).AsTask())).Should().ThrowAsync<StreamNotFoundException>();
        await ((Func<Task>)(() => grain.ReadAsync(0, 10).AsTask())).Should().ThrowAsync<StreamNotFoundException>();
        await ((Func<Task>)(() => grain.DescribeAsync().AsTask())).Should().ThrowAsync<StreamNotFoundException>();
        await ((Func<Task>)(() => grain.ReadGroupAsync("g", "c", 1, 0).AsTask())).Should().ThrowAsync<StreamNotFoundException>();
        await ((Func<Task>)(() => grain.AckAsync("g", "c", [1]).AsTask())).Should().ThrowAsync<StreamNotFoundException>();
        await ((Func<Task>)(() => grain.DescribeGroupAsync("g").AsTask())).Should().ThrowAsync<StreamNotFoundException>();
        (await grain.DeleteAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task AppendsGetGapFreeOffsetsInOrderAndKeepTheirContent()
    {
        var grain = await CreateAsync(Immediate());

        var single = await grain.AppendAsync([Event("one", "1")]);
        var batch = await grain.AppendAsync([Event("two", "2"), Event("three", "{\"x\":3}")]);

        single.Should().Be(1);
        batch.Should().Be(2, "a batch answers its first offset; the others follow it");
        var page = await grain.ReadAsync(0, 10);
        page.Events.Select(e => (e.Offset, e.Event, Encoding.UTF8.GetString(e.Data))).Should().Equal((1, "one", "1"), (2, "two", "2"), (3, "three", "{\"x\":3}"));
        page.Events.Should().OnlyContain(e => e.TimestampMs == fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task ConcurrentAppendersGetEveryOffsetExactlyOnce()
    {
        var grain = await CreateAsync(Immediate());

        var firsts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            grain.AppendAsync([Event($"a{i}"), Event($"b{i}")]).AsTask())).WithTimeout(Timeout, "20 concurrent appends");

        firsts.SelectMany(f => new[] { f, f + 1 }).Order().Should().Equal(Enumerable.Range(1, 40).Select(i => (long)i));
        var page = await grain.ReadAsync(1, 100);
        foreach (var first in firsts)
        {
            var name = page.Events[(int)first - 1].Event;
            page.Events[(int)first].Event.Should().Be("b" + name[1..], "the events of one append are consecutive");
        }
    }

    [Fact]
    public async Task ConcurrentAppendsShareOneStoreWriteAndAreAnsweredOnlyOnceItIsDone()
    {
        var stream = NewStream();
        var grain = await CreateAsync(new StreamSettings(StreamType.Metrics, 10, NeverFlushMs, default), stream);

        var waiting = Enumerable.Range(0, 9).Select(i => grain.AppendAsync([Event($"m{i}")]).AsTask()).ToList();
        await Eventually.HoldsAsync(async () => (await grain.DescribeAsync()).Buffered, buffered => buffered == 9, "nine events to be buffered");

        waiting.Should().OnlyContain(t => !t.IsCompleted, "nothing was written yet");
        fixture.StreamWritesOf(stream).Should().Be(0);
        var tenth = grain.AppendAsync([Event("m9")]).AsTask();
        var offsets = await Task.WhenAll(waiting.Append(tenth)).WithTimeout(Timeout, "the full buffer to be written");

        fixture.StreamWritesOf(stream).Should().Be(1, "ten single appends filled one buffer: one store write");
        offsets.Order().Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
        (await grain.DescribeAsync()).Should().BeEquivalentTo(new { Length = 10L, LastOffset = 10L, Buffered = 0 });
    }

    [Fact]
    public async Task ABufferThatDoesNotFillIsWrittenWhenTheFlushIntervalHasPassed()
    {
        var stream = NewStream();
        var grain = await CreateAsync(new StreamSettings(StreamType.Log, 100, 1000, default), stream);

        var waiting = Enumerable.Range(0, 3).Select(i => grain.AppendAsync([Event($"l{i}")]).AsTask()).ToList();
        await Eventually.HoldsAsync(async () => (await grain.DescribeAsync()).Buffered, buffered => buffered == 3, "three events to be buffered");
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(999));
        (await grain.DescribeAsync()).Buffered.Should().Be(3);
        waiting.Should().OnlyContain(t => !t.IsCompleted);

        fixture.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var offsets = await Task.WhenAll(waiting).WithTimeout(Timeout, "the flush interval's write");

        offsets.Order().Should().Equal(1, 2, 3);
        fixture.StreamWritesOf(stream).Should().Be(1);
    }

    [Fact]
    public async Task AFailedWriteFailsItsAppendsAndLeavesNoHoleInTheOffsets()
    {
        var stream = NewStream();
        var grain = await CreateAsync(Immediate(), stream);
        await grain.AppendAsync([Event("before")]);
        foreach (var store in fixture.StreamStores)
            store.FailNextWrite(stream);

        var failed = () => grain.AppendAsync([Event("lost1"), Event("lost2")]).AsTask();

        await failed.Should().ThrowAsync<IOException>();
        (await grain.AppendAsync([Event("after")])).Should().Be(2);
        (await grain.ReadAsync(0, 10)).Events.Select(e => (e.Offset, e.Event)).Should().Equal((1, "before"), (2, "after"));
    }

    [Fact]
    public async Task DeletingAStreamFailsTheAppendsStillInItsBuffer()
    {
        var grain = await CreateAsync(new StreamSettings(StreamType.Event, 10, NeverFlushMs, default));
        var waiting = Enumerable.Range(0, 2).Select(i => grain.AppendAsync([Event($"e{i}")]).AsTask()).ToList();
        await Eventually.HoldsAsync(async () => (await grain.DescribeAsync()).Buffered, buffered => buffered == 2, "two events to be buffered");

        (await grain.DeleteAsync()).Should().BeTrue();

        foreach (var append in waiting)
            await ((Func<Task>)(() => append)).Should().ThrowAsync<StreamNotFoundException>();
    }

    [Fact]
    public async Task ReadPagesForwardFromAnInclusiveOffset()
    {
        var grain = await CreateAsync(Immediate());
        await grain.AppendAsync([.. Enumerable.Range(1, 5).Select(i => Event($"e{i}"))]);

        var middle = await grain.ReadAsync(2, 2);
        var tail = await grain.ReadAsync(middle.Next, 10);
        var position = await grain.ReadAsync(0, 0);

        middle.Events.Select(e => e.Offset).Should().Equal(2, 3);
        middle.Should().BeEquivalentTo(new { Next = 4L, LastOffset = 5L, More = true });
        tail.Events.Select(e => e.Offset).Should().Equal(4, 5);
        tail.Should().BeEquivalentTo(new { Next = 6L, More = false });
        position.Should().BeEquivalentTo(new { Next = 6L, LastOffset = 5L, More = false });
        position.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task RetentionByCountKeepsTheNewestEvents()
    {
        var grain = await CreateAsync(Immediate(maxEvents: 3));

        await grain.AppendAsync([.. Enumerable.Range(1, 4).Select(i => Event($"e{i}"))]);
        await grain.AppendAsync([Event("e5")]);

        (await grain.ReadAsync(0, 10)).Events.Select(e => e.Offset).Should().Equal(3, 4, 5);
        (await grain.DescribeAsync()).Should().BeEquivalentTo(new { Length = 3L, FirstOffset = 3L, LastOffset = 5L });
    }

    [Fact]
    public async Task ExpiredEventsAreTrimmedByTheTimerWithoutAnyAppend()
    {
        var grain = await CreateAsync(Immediate(maxAgeSeconds: 60));
        await grain.AppendAsync([Event("old1"), Event("old2")]);

        fixture.Clock.Advance(TimeSpan.FromSeconds(60));

        // Describe trims nothing itself: only the stream's trim timer can make the length drop.
        var description = await Eventually.HoldsAsync(() => grain.DescribeAsync().AsTask(), d => d.Length == 0, "the trim timer to remove expired events");
        description.Should().BeEquivalentTo(new { FirstOffset = 3L, LastOffset = 2L });
        (await grain.AppendAsync([Event("new")])).Should().Be(3);
    }

    [Fact]
    public async Task AGroupHandsEachEventToOneConsumerAndRedeliversWhatIsNotAcknowledged()
    {
        var grain = await CreateAsync(Immediate());
        await grain.AppendAsync([.. Enumerable.Range(1, 4).Select(i => Event($"job{i}"))]);

        var first = await grain.ReadGroupAsync("workers", "w1", 2, 0);
        var second = await grain.ReadGroupAsync("workers", "w2", 2, 0);
        (await grain.AckAsync("workers", "w1", [1, 2])).Should().Be(2);
        (await grain.AckAsync("workers", "w2", [3])).Should().Be(1);

        first.Select(d => (d.Event.Offset, d.DeliveryCount)).Should().Equal((1, 1), (2, 1));
        second.Select(d => (d.Event.Offset, d.DeliveryCount)).Should().Equal((3, 1), (4, 1));
        (await grain.ReadGroupAsync("workers", "w1", 10, 0)).Should().BeEmpty("offset 4 is w2's until its ack time-out");

        await LetAckTimeoutPassAsync(grain, "workers");
        var redelivered = await grain.ReadGroupAsync("workers", "w1", 10, 0);

        redelivered.Select(d => (d.Event.Offset, d.Event.Event, d.DeliveryCount)).Should().Equal((4, "job4", 2));
        var group = await grain.DescribeGroupAsync("workers");
        group.Should().BeEquivalentTo(new { Name = "workers", LastDeliveredOffset = 4L, PendingCount = 1L });
        group.Pending.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Offset = 4L, Consumer = "w1", DeliveryCount = 2 });
        (await grain.DescribeAsync()).Groups.Should().Equal(new GroupSummary("workers", 4, 1, 2));
    }

    [Fact]
    public async Task ABlockedGroupReadAnswersAsSoonAsAnEventIsAppended()
    {
        var grain = await CreateAsync(Immediate());

        var read = grain.ReadGroupAsync("workers", "w1", 5, 20_000).AsTask();
        await grain.DescribeAsync();
        read.IsCompleted.Should().BeFalse("there is nothing to read yet, and the fake clock does not move");
        await grain.AppendAsync([Event("wake")]);

        var deliveries = await read.WithTimeout(Timeout, "the blocked read to answer the appended event");
        deliveries.Select(d => d.Event.Event).Should().Equal("wake");
    }

    [Fact]
    public async Task ABlockedGroupReadAnswersEmptyWhenItsCappedWaitEnds()
    {
        var grain = await CreateAsync(Immediate());
        var advanced = TimeSpan.Zero;

        var read = grain.ReadGroupAsync("workers", "w1", 5, 3_600_000).AsTask();
        await Eventually.HoldsAsync(
            () =>
            {
                fixture.Clock.Advance(TimeSpan.FromSeconds(1));
                advanced += TimeSpan.FromSeconds(1);
                return Task.FromResult(read.IsCompleted);
            },
            completed => completed,
            "the blocked read to give up");

        (await read).Should().BeEmpty();
        advanced.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(StreamOptions.DefaultMaxBlockMs))
            .And.BeLessThan(TimeSpan.FromHours(1), "blockMs is capped by Realtime:Streams:MaxBlockMs");
    }

    [Fact]
    public async Task GroupArgumentsOutOfRangeAreRefused()
    {
        var grain = await CreateAsync(Immediate());

        await ((Func<Task>)(() => grain.ReadGroupAsync("workers", "w1", 0, 0).AsTask())).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(() => grain.ReadGroupAsync("workers", "w 1", 1, 0).AsTask())).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(() => grain.ReadGroupAsync("workers", "w1", 1, -1).AsTask())).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(() => grain.AckAsync("workers", "w1", [0]).AsTask())).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(() => grain.AppendAsync([Event("bad name")]).AsTask())).Should().ThrowAsync<ArgumentException>();
        await ((Func<Task>)(() => grain.DescribeGroupAsync("nobody").AsTask())).Should().ThrowAsync<StreamNotFoundException>();
    }

    [Fact]
    public async Task DeleteRemovesEventsAndGroupsAndARecreatedStreamStartsOver()
    {
        var stream = NewStream();
        var grain = await CreateAsync(Immediate(), stream);
        await grain.AppendAsync([Event("a"), Event("b")]);
        await grain.ReadGroupAsync("workers", "w1", 1, 0);
        (await fixture.Client.GetGrain<IStreamCatalogGrain>(0).ListAsync()).Select(l => l.Id).Should().Contain(stream);

        (await grain.DeleteAsync()).Should().BeTrue();

        await ((Func<Task>)(() => grain.ReadAsync(0, 10).AsTask())).Should().ThrowAsync<StreamNotFoundException>();
        (await fixture.Client.GetGrain<IStreamCatalogGrain>(0).ListAsync()).Select(l => l.Id).Should().NotContain(stream);
        (await grain.CreateAsync(Immediate())).Outcome.Should().Be(StreamCreationOutcome.Created);
        (await grain.AppendAsync([Event("again")])).Should().Be(1);
        (await grain.DescribeAsync()).Groups.Should().BeEmpty();
    }

    [Fact]
    public async Task TheCatalogListsStreamsWithTheirSettings()
    {
        var stream = NewStream();
        var settings = new StreamSettings(StreamType.Video, 7, 0, new StreamRetention(9, 0));
        await CreateAsync(settings, stream);

        var listed = await fixture.Client.GetGrain<IStreamCatalogGrain>(0).ListAsync();

        listed.Should().ContainEquivalentOf(new StreamListing(stream, settings));
        listed.Select(l => l.Id).Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    protected async Task<IDurableStreamGrain> CreateAsync(StreamSettings settings, string? stream = null)
    {
        var grain = Grain(stream ?? NewStream());
        (await grain.CreateAsync(settings)).Outcome.Should().Be(StreamCreationOutcome.Created);
        return grain;
    }

    protected static NewStreamEvent Event(string name, string json = "{}") => new(name, Encoding.UTF8.GetBytes(json));
}
