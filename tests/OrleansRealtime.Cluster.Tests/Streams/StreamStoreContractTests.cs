using System.Text;
using Microsoft.Extensions.Time.Testing;
using OrleansRealtime.Streams;

namespace OrleansRealtime.Cluster.Tests.Streams;

/// <summary>
/// What every <see cref="IStreamStore"/> promises, run once per implementation (one subclass each). Events are
/// stamped with <see cref="Clock"/>, so age retention is tested on fake time everywhere; the idle time of pending
/// events is the store's own (the realtime clock in memory, the server's clock in Redis), which
/// <see cref="LetAckTimeoutPassAsync"/> lets pass.
/// </summary>
public abstract class StreamStoreContractTests
{
    /// <summary>A time-out no test waits for: events read with it stay pending.</summary>
    protected static readonly TimeSpan NeverIdle = TimeSpan.FromHours(1);

    /// <summary>A time-out tests let pass (on fake time, or briefly on Redis' clock).</summary>
    protected static readonly TimeSpan ShortAckTimeout = TimeSpan.FromMilliseconds(300);

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected abstract IStreamStore Store { get; }

    /// <summary>
    /// Returns once every event pending in <paramref name="group"/> has been idle for <paramref name="ackTimeout"/>
    /// (memory: advances the clock; Redis: polls the pending list, with a deadline, until its idle times say so).
    /// </summary>
    protected abstract Task LetAckTimeoutPassAsync(string stream, string group, TimeSpan ackTimeout);

    /// <summary>A stream name no other test uses, so implementations may share storage between tests.</summary>
    protected static string NewStream() => $"contract.{Guid.NewGuid():N}";

    protected static StreamSettings Settings(long maxEvents = 0, long maxAgeSeconds = 0, StreamType type = StreamType.Event) =>
        new(type, 10, 0, new StreamRetention(maxEvents, maxAgeSeconds));

    [Fact]
    public async Task AStreamThatWasNeverCreatedDoesNotExist()
    {
        var stream = NewStream();

        (await Store.GetAsync(stream)).Should().BeNull();
        (await Store.StatsAsync(stream)).Should().BeEquivalentTo(new StreamStats(0, 1, 0, []));
        var read = () => Store.ReadAsync(stream, 0, 10, RetentionCut.None).AsTask();
        await read.Should().ThrowAsync<StreamNotFoundException>();
        var append = () => Store.AppendAsync(stream, [Event(1)], RetentionCut.None).AsTask();
        await append.Should().ThrowAsync<StreamStoreConflictException>();
        (await Store.GetAsync(stream)).Should().BeNull("a refused append must not create the stream");
    }

    [Fact]
    public async Task CreateStoresTheSettingsAtOffsetZero()
    {
        var stream = NewStream();
        var settings = new StreamSettings(StreamType.Metrics, 250, 40, new StreamRetention(5000, 3600));

        var (created, stored) = await Store.CreateAsync(stream, settings);

        created.Should().BeTrue();
        stored.Should().Be(new StoredStream(settings, 0, stored.Epoch));
        stored.Epoch.Should().NotBeNullOrEmpty("every stream is created with an epoch naming its incarnation");
        (await Store.GetAsync(stream)).Should().Be(stored);
    }

    [Fact]
    public async Task AStreamDeletedAndCreatedAgainIsAnotherIncarnationWithAnotherEpoch()
    {
        var stream = NewStream();
        var (_, first) = await Store.CreateAsync(stream, Settings());
        await Store.AppendAsync(stream, Events(1, 2), RetentionCut.None);

        await Store.DeleteAsync(stream);
        var (created, second) = await Store.CreateAsync(stream, Settings());

        created.Should().BeTrue();
        second.Epoch.Should().NotBe(first.Epoch);
        second.LastOffset.Should().Be(0);
    }

    [Fact]
    public async Task CreatingAnExistingStreamKeepsItsSettingsAndEvents()
    {
        var stream = NewStream();
        var first = Settings(type: StreamType.Log);
        var (_, original) = await Store.CreateAsync(stream, first);
        await Store.AppendAsync(stream, Events(1, 3), RetentionCut.None);

        var (created, stored) = await Store.CreateAsync(stream, Settings(type: StreamType.Video));

        created.Should().BeFalse();
        stored.Should().Be(new StoredStream(first, 3, original.Epoch), "the stream keeps its settings, events and epoch");
        Offsets(await Store.ReadAsync(stream, 0, 10, RetentionCut.None)).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task ListShowsExistingStreamsInIdOrderWithTheirSettings()
    {
        var (a, b) = ("contract.list-a." + Guid.NewGuid().ToString("N"), "contract.list-b." + Guid.NewGuid().ToString("N"));
        await Store.CreateAsync(b, Settings(type: StreamType.Audio));
        await Store.CreateAsync(a, Settings(type: StreamType.Data));

        var listed = (await Store.ListAsync()).Where(l => l.Id == a || l.Id == b).ToList();

        listed.Should().Equal(new StreamListing(a, Settings(type: StreamType.Data)), new StreamListing(b, Settings(type: StreamType.Audio)));
        await Store.DeleteAsync(a);
        (await Store.ListAsync()).Select(l => l.Id).Should().Contain(b).And.NotContain(a);
    }

    [Fact]
    public async Task DeleteRemovesEventsAndGroupsAndARecreatedStreamStartsOver()
    {
        var stream = NewStream();
        await Store.CreateAsync(stream, Settings());
        await Store.AppendAsync(stream, Events(1, 3), RetentionCut.None);
        await Store.ReadGroupAsync(stream, "workers", "w1", 2, NeverIdle, RetentionCut.None);

        (await Store.DeleteAsync(stream)).Should().BeTrue();
        (await Store.DeleteAsync(stream)).Should().BeFalse("it is gone already");
        (await Store.GetAsync(stream)).Should().BeNull();

        await Store.CreateAsync(stream, Settings());
        (await Store.StatsAsync(stream)).Should().BeEquivalentTo(new StreamStats(0, 1, 0, []));
        (await Store.DescribeGroupAsync(stream, "workers", 10)).Should().BeNull();
        await Store.AppendAsync(stream, [Event(1, "fresh")], RetentionCut.None);
        (await Store.ReadAsync(stream, 0, 10, RetentionCut.None)).Events.Single().Event.Should().Be("fresh");
    }

    [Fact]
    public async Task ReadAnswersEventsFromAnOffsetInclusiveOldestFirstWithEveryField()
    {
        var stream = NewStream();
        await Store.CreateAsync(stream, Settings());
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        StreamEvent[] events =
        [
            new(1, "user.signup", Encoding.UTF8.GetBytes("{\"id\":7}"), now),
            new(2, "user_login", Encoding.UTF8.GetBytes("[1,\"two\"]"), now + 5),
            new(3, "x", Encoding.UTF8.GetBytes("null"), now + 9),
        ];
        await Store.AppendAsync(stream, events, RetentionCut.None);

        var all = await Store.ReadAsync(stream, 0, 10, RetentionCut.None);
        var fromTwo = await Store.ReadAsync(stream, 2, 1, RetentionCut.None);
        var past = await Store.ReadAsync(stream, 4, 10, RetentionCut.None);
        var positionOnly = await Store.ReadAsync(stream, 1, 0, RetentionCut.None);

        all.Should().BeEquivalentTo(new StreamSlice(3, events), o => o.WithStrictOrdering());
        fromTwo.Events.Should().BeEquivalentTo([events[1]]);
        past.Should().BeEquivalentTo(new StreamSlice(3, []));
        positionOnly.Should().BeEquivalentTo(new StreamSlice(3, []));
    }

    [Fact]
    public async Task AppendAcceptsOnlyTheOffsetAfterTheLast()
    {
        var stream = NewStream();
        await Store.CreateAsync(stream, Settings());
        await Store.AppendAsync(stream, Events(1, 2), RetentionCut.None);

        var gap = () => Store.AppendAsync(stream, Events(4, 4), RetentionCut.None).AsTask();
        var rewrite = () => Store.AppendAsync(stream, [Event(2, "second writer")], RetentionCut.None).AsTask();

        await gap.Should().ThrowAsync<StreamStoreConflictException>();
        await rewrite.Should().ThrowAsync<StreamStoreConflictException>();
        (await Store.GetAsync(stream))!.LastOffset.Should().Be(2);
        (await Store.ReadAsync(stream, 0, 10, RetentionCut.None)).Events.Select(e => e.Event).Should().Equal("e1", "e2");
    }

    [Fact]
    public async Task RetentionByCountKeepsTheNewestEventsWhileOffsetsContinue()
    {
        var stream = NewStream();
        await Store.CreateAsync(stream, Settings(maxEvents: 3));
        var cut = new RetentionCut(3, long.MinValue);

        await Store.AppendAsync(stream, Events(1, 4), cut);
        await Store.AppendAsync(stream, Events(5, 7), cut);

        Offsets(await Store.ReadAsync(stream, 0, 10, cut)).Should().Equal(5, 6, 7);
        (await Store.StatsAsync(stream)).Should().BeEquivalentTo(new { Length = 3L, FirstOffset = 5L, LastOffset = 7L });
    }

    [Fact]
    public async Task RetentionByAgeTrimsThePrefixOfExpiredEvents()
    {
        var stream = NewStream();
        await Store.CreateAsync(stream, Settings(maxAgeSeconds: 60));
        var retention = new StreamRetention(0, 60);
        await Store.AppendAsync(stream, Events(1, 2), RetentionCut.For(retention, Clock));
        Clock.Advance(TimeSpan.FromSeconds(30));
        await Store.AppendAsync(stream, Events(3, 3), RetentionCut.For(retention, Clock));

        Clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Offsets(await Store.ReadAsync(stream, 0, 10, RetentionCut.For(retention, Clock))).Should().Equal(1, 2, 3);

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        (await Store.StatsAsync(stream)).Length.Should().Be(3, "statistics trim nothing");
        await Store.TrimAsync(stream, RetentionCut.For(retention, Clock));
        (await Store.StatsAsync(stream)).Should().BeEquivalentTo(new { Length = 1L, FirstOffset = 3L, LastOffset = 3L });

        Clock.Advance(TimeSpan.FromMinutes(5));
        var slice = await Store.ReadAsync(stream, 0, 10, RetentionCut.For(retention, Clock));
        slice.Should().BeEquivalentTo(new StreamSlice(3, []));
        (await Store.StatsAsync(stream)).Should().BeEquivalentTo(new { Length = 0L, FirstOffset = 4L, LastOffset = 3L });
        await Store.AppendAsync(stream, Events(4, 4), RetentionCut.For(retention, Clock));
        Offsets(await Store.ReadAsync(stream, 0, 10, RetentionCut.For(retention, Clock))).Should().Equal(4);
    }

    [Fact]
    public async Task AGroupHandsEachEventToOneConsumerFromTheOldestRetained()
    {
        var stream = await StreamWithEventsAsync(5);

        var first = await Store.ReadGroupAsync(stream, "workers", "w1", 2, NeverIdle, RetentionCut.None);
        var second = await Store.ReadGroupAsync(stream, "workers", "w2", 10, NeverIdle, RetentionCut.None);
        var third = await Store.ReadGroupAsync(stream, "workers", "w1", 10, NeverIdle, RetentionCut.None);

        first.Select(d => (d.Event.Offset, d.DeliveryCount)).Should().Equal((1, 1), (2, 1));
        first[0].Event.Should().BeEquivalentTo(Event(1), o => o.Excluding(e => e.TimestampMs));
        second.Select(d => d.Event.Offset).Should().Equal(3, 4, 5);
        third.Should().BeEmpty("every event went to one consumer and none timed out");
    }

    [Fact]
    public async Task GroupsOfOneStreamAreIndependent()
    {
        var stream = await StreamWithEventsAsync(3);

        var billing = await Store.ReadGroupAsync(stream, "billing", "b1", 10, NeverIdle, RetentionCut.None);
        var audit = await Store.ReadGroupAsync(stream, "audit", "a1", 10, NeverIdle, RetentionCut.None);

        billing.Select(d => d.Event.Offset).Should().Equal(1, 2, 3);
        audit.Select(d => d.Event.Offset).Should().Equal(1, 2, 3);
        (await Store.StatsAsync(stream)).Groups.Should().Equal(new GroupSummary("audit", 3, 3, 1), new GroupSummary("billing", 3, 3, 1));
    }

    [Fact]
    public async Task AnAcknowledgedEventIsNeverHandedOutAgain()
    {
        var stream = await StreamWithEventsAsync(3);
        await Store.ReadGroupAsync(stream, "workers", "w1", 3, NeverIdle, RetentionCut.None);

        var acked = await Store.AckAsync(stream, "workers", [1, 3]);
        var again = await Store.AckAsync(stream, "workers", [1, 2, 2, 99]);
        var claimAll = await Store.ReadGroupAsync(stream, "workers", "w2", 10, TimeSpan.Zero, RetentionCut.None);

        acked.Should().Be(2);
        again.Should().Be(1, "only offset 2 was still pending");
        claimAll.Should().BeEmpty();
        (await Store.DescribeGroupAsync(stream, "workers", 10))!.PendingCount.Should().Be(0);
    }

    [Fact]
    public async Task AckForAnUnknownGroupOrStreamAcknowledgesNothing()
    {
        var stream = await StreamWithEventsAsync(1);

        (await Store.AckAsync(stream, "nobody", [1])).Should().Be(0);
        (await Store.AckAsync(NewStream(), "nobody", [1])).Should().Be(0);
    }

    [Fact]
    public async Task APendingEventIsNotClaimedBeforeItsAckTimeout()
    {
        var stream = await StreamWithEventsAsync(2);
        await Store.ReadGroupAsync(stream, "workers", "w1", 1, NeverIdle, RetentionCut.None);

        var other = await Store.ReadGroupAsync(stream, "workers", "w2", 10, NeverIdle, RetentionCut.None);

        other.Select(d => (d.Event.Offset, d.DeliveryCount)).Should().Equal((2, 1));
    }

    [Fact]
    public async Task AnUnacknowledgedEventGoesToTheNextReaderAfterItsTimeoutBeforeNewEvents()
    {
        var stream = await StreamWithEventsAsync(2);
        await Store.ReadGroupAsync(stream, "workers", "w1", 2, ShortAckTimeout, RetentionCut.None);
        await Store.AckAsync(stream, "workers", [2]);
        await Store.AppendAsync(stream, Events(3, 3), RetentionCut.None);

        await LetAckTimeoutPassAsync(stream, "workers", ShortAckTimeout);
        var redelivered = await Store.ReadGroupAsync(stream, "workers", "w2", 10, ShortAckTimeout, RetentionCut.None);

        redelivered.Select(d => (d.Event.Offset, d.DeliveryCount)).Should().Equal((1, 2), (3, 1));
        redelivered[0].Event.Event.Should().Be("e1");
        var pending = (await Store.DescribeGroupAsync(stream, "workers", 10))!.Pending;
        pending.Select(p => (p.Offset, p.Consumer, p.DeliveryCount)).Should().Equal((1, "w2", 2), (3, "w2", 1));
    }

    [Fact]
    public async Task AClaimWithoutIdleTimeTakesEveryPendingEventAndCountsTheDelivery()
    {
        var stream = await StreamWithEventsAsync(3);
        await Store.ReadGroupAsync(stream, "workers", "w1", 3, NeverIdle, RetentionCut.None);
        await Store.ReadGroupAsync(stream, "workers", "w2", 2, TimeSpan.Zero, RetentionCut.None);

        var third = await Store.ReadGroupAsync(stream, "workers", "w3", 5, TimeSpan.Zero, RetentionCut.None);

        third.Select(d => (d.Event.Offset, d.DeliveryCount)).Should().Equal((1, 3), (2, 3), (3, 2));
    }

    [Fact]
    public async Task APendingEventTrimmedByRetentionIsDroppedInsteadOfRedelivered()
    {
        var stream = NewStream();
        await Store.CreateAsync(stream, Settings(maxEvents: 2));
        var cut = new RetentionCut(2, long.MinValue);
        await Store.AppendAsync(stream, Events(1, 2), cut);
        await Store.ReadGroupAsync(stream, "workers", "w1", 2, NeverIdle, cut);
        await Store.AppendAsync(stream, Events(3, 3), cut);

        var claimed = await Store.ReadGroupAsync(stream, "workers", "w2", 10, TimeSpan.Zero, cut);

        claimed.Select(d => (d.Event.Offset, d.DeliveryCount)).Should().Equal((2, 2), (3, 1));
        var group = (await Store.DescribeGroupAsync(stream, "workers", 10))!;
        group.Pending.Select(p => p.Offset).Should().Equal(2, 3);
        group.PendingCount.Should().Be(2);
    }

    [Fact]
    public async Task AGroupDescriptionShowsThePositionAndThePendingList()
    {
        var stream = await StreamWithEventsAsync(4);
        await Store.ReadGroupAsync(stream, "workers", "w1", 2, NeverIdle, RetentionCut.None);
        await Store.ReadGroupAsync(stream, "workers", "w2", 1, NeverIdle, RetentionCut.None);
        await Store.AckAsync(stream, "workers", [2]);

        var group = await Store.DescribeGroupAsync(stream, "workers", 1);

        group.Should().NotBeNull();
        group!.Name.Should().Be("workers");
        group.LastDeliveredOffset.Should().Be(3);
        group.PendingCount.Should().Be(2);
        group.Pending.Should().ContainSingle("the list is capped at 1").Which.Should().BeEquivalentTo(new { Offset = 1L, Consumer = "w1", DeliveryCount = 1 });
        group.Pending[0].IdleMs.Should().BeInRange(0, 60_000);
        (await Store.StatsAsync(stream)).Groups.Should().Equal(new GroupSummary("workers", 3, 2, 2));
        (await Store.DescribeGroupAsync(stream, "nobody", 10)).Should().BeNull();
    }

    [Fact]
    public async Task AGroupReadOfAStreamThatDoesNotExistFails()
    {
        var read = () => Store.ReadGroupAsync(NewStream(), "workers", "w1", 1, NeverIdle, RetentionCut.None).AsTask();

        await read.Should().ThrowAsync<StreamNotFoundException>();
    }

    protected StreamEvent Event(long offset, string? name = null) =>
        new(offset, name ?? $"e{offset}", Encoding.UTF8.GetBytes($"{{\"n\":{offset}}}"), Clock.GetUtcNow().ToUnixTimeMilliseconds());

    protected StreamEvent[] Events(long from, long to)
    {
        var events = new StreamEvent[to - from + 1];
        for (var offset = from; offset <= to; offset++)
            events[offset - from] = Event(offset);
        return events;
    }

    protected async Task<string> StreamWithEventsAsync(int count)
    {
        var stream = NewStream();
        await Store.CreateAsync(stream, Settings());
        await Store.AppendAsync(stream, Events(1, count), RetentionCut.None);
        return stream;
    }

    protected static long[] Offsets(StreamSlice slice) => slice.Events.Select(e => e.Offset).ToArray();
}
