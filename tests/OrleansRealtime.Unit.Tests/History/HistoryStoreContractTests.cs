using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansRealtime.Channels;
using OrleansRealtime.History;

namespace OrleansRealtime.Unit.Tests.History;

/// <summary>
/// What every <see cref="IHistoryStore"/> promises, run once per implementation (one subclass each). The Redis
/// subclass lives in the cluster tests, which compile this file too.
/// </summary>
public abstract class HistoryStoreContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>A store over the implementation's backing storage, judging time by <see cref="Clock"/>.</summary>
    protected abstract IHistoryStore CreateStore(HistoryOptions options);

    /// <summary>
    /// Makes the backing storage lose everything, as a restarted process (memory) or a flushed Redis would.
    /// Returns the store to use afterwards.
    /// </summary>
    protected abstract Task<IHistoryStore> LoseEverythingAsync(IHistoryStore store, HistoryOptions options);

    protected static HistoryOptions Options(int size = 100, int ttlSeconds = 0) =>
        new() { Size = size, TtlSeconds = ttlSeconds, MaxPageSize = 1000 };

    /// <summary>A channel name no other test uses, so implementations may share storage between tests.</summary>
    protected static string NewChannel() => $"contract.{Guid.NewGuid():N}";

    [Fact]
    public async Task OpenStartsANewEpochAtOffsetZero()
    {
        var store = CreateStore(Options());

        var position = await store.OpenAsync(NewChannel());

        position.Offset.Should().Be(0);
        position.Epoch.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task OpenAgainReturnsTheSameEpochAndTheTop()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var opened = await store.OpenAsync(channel);
        await AppendAsync(store, channel, opened.Epoch, 1, 3);

        var reopened = await store.OpenAsync(channel);

        reopened.Should().Be(new ChannelPosition(3, opened.Epoch));
    }

    [Fact]
    public async Task DifferentChannelsHaveIndependentEpochsAndOffsets()
    {
        var store = CreateStore(Options());
        var (a, b) = (NewChannel(), NewChannel());
        var epochA = (await store.OpenAsync(a)).Epoch;
        var epochB = (await store.OpenAsync(b)).Epoch;
        await AppendAsync(store, a, epochA, 1, 5);

        epochA.Should().NotBe(epochB);
        (await store.OpenAsync(b)).Offset.Should().Be(0);
        (await store.ReadAsync(b, 0, 10)).Messages.Should().BeEmpty();
        (await store.CountAsync(a)).Should().Be(5);
    }

    [Fact]
    public async Task ReadReturnsAppendedMessagesOldestFirstWithEveryField()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var first = new ChannelMessage(channel, 1, epoch, Encoding.UTF8.GetBytes("{\"n\":1}"), "user-1", now, MessagePriority.High);
        var second = new ChannelMessage(channel, 2, epoch, Encoding.UTF8.GetBytes("[]"), null, now + 5, MessagePriority.Low);
        var third = new ChannelMessage(channel, 3, epoch, Encoding.UTF8.GetBytes("{}"), null, now + 6, MessagePriority.Normal, "chat.message");
        await store.AppendAsync(first);
        await store.AppendAsync(second);
        await store.AppendAsync(third);

        var slice = await store.ReadAsync(channel, 0, 10);

        slice.Epoch.Should().Be(epoch);
        slice.Top.Should().Be(3);
        slice.Oldest.Should().Be(1);
        slice.Messages.Should().BeEquivalentTo([first, second, third], o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task AppendRefusesAGap()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 2);

        var append = () => store.AppendAsync(Message(channel, epoch, 4)).AsTask();

        await append.Should().ThrowAsync<HistoryConflictException>();
        (await store.OpenAsync(channel)).Offset.Should().Be(2);
        Offsets(await store.ReadAsync(channel, 0, 10)).Should().Equal(1, 2);
    }

    [Fact]
    public async Task AppendRefusesAnOffsetAlreadyWritten()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 2);

        var append = () => store.AppendAsync(Message(channel, epoch, 2, "second writer")).AsTask();

        await append.Should().ThrowAsync<HistoryConflictException>();
        var slice = await store.ReadAsync(channel, 1, 10);
        Encoding.UTF8.GetString(slice.Messages.Single().Data).Should().Be("\"m2\"");
    }

    [Fact]
    public async Task AppendRefusesAnotherEpoch()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        await store.OpenAsync(channel);

        var append = () => store.AppendAsync(Message(channel, "not-the-epoch", 1)).AsTask();

        await append.Should().ThrowAsync<HistoryConflictException>();
        (await store.CountAsync(channel)).Should().Be(0);
    }

    [Fact]
    public async Task AppendToAChannelThatWasNeverOpenedIsAConflict()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();

        var append = () => store.AppendAsync(Message(channel, "any", 1)).AsTask();

        await append.Should().ThrowAsync<HistoryConflictException>();
    }

    [Fact]
    public async Task AChannelNeverOpenedReadsAsEmptyAndIsNotCreatedByReading()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();

        var slice = await store.ReadAsync(channel, 0, 10);
        var count = await store.CountAsync(channel);

        slice.Should().BeEquivalentTo(new HistorySlice(string.Empty, 0, 1, []));
        count.Should().Be(0);
        var append = () => store.AppendAsync(Message(channel, slice.Epoch, 1)).AsTask();
        await append.Should().ThrowAsync<HistoryConflictException>("reading must not have opened the channel");
    }

    [Fact]
    public async Task SizeBoundKeepsTheNewestMessages()
    {
        var store = CreateStore(Options(size: 3));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;

        await AppendAsync(store, channel, epoch, 1, 7);

        var slice = await store.ReadAsync(channel, 0, 10);
        Offsets(slice).Should().Equal(5, 6, 7);
        slice.Oldest.Should().Be(5);
        slice.Top.Should().Be(7);
        (await store.CountAsync(channel)).Should().Be(3);
    }

    [Fact]
    public async Task ReadPagesForwardAfterAnOffsetUpToTheLimit()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 10);

        Offsets(await store.ReadAsync(channel, 3, 4)).Should().Equal(4, 5, 6, 7);
        Offsets(await store.ReadAsync(channel, 7, 100)).Should().Equal(8, 9, 10);
        Offsets(await store.ReadAsync(channel, 10, 100)).Should().BeEmpty();
        Offsets(await store.ReadAsync(channel, 25, 100)).Should().BeEmpty();
    }

    [Fact]
    public async Task ReadWithLimitZeroAnswersOnlyThePosition()
    {
        var store = CreateStore(Options(size: 4));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 6);

        var slice = await store.ReadAsync(channel, 0, 0);

        slice.Messages.Should().BeEmpty();
        slice.Should().BeEquivalentTo(new { Epoch = epoch, Top = 6L, Oldest = 3L });
    }

    [Fact]
    public async Task ReadRefusesANegativeLimit()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        await store.OpenAsync(channel);

        var read = () => store.ReadAsync(channel, 0, -1).AsTask();

        await read.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task MessagesExpireWhenTheyReachTheTtl()
    {
        var store = CreateStore(Options(ttlSeconds: 60));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 1);
        Clock.Advance(TimeSpan.FromSeconds(30));
        await AppendAsync(store, channel, epoch, 2, 2);

        Clock.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromMilliseconds(1));
        Offsets(await store.ReadAsync(channel, 0, 10)).Should().Equal(1, 2);

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var slice = await store.ReadAsync(channel, 0, 10);
        Offsets(slice).Should().Equal(2);
        slice.Oldest.Should().Be(2);
        (await store.CountAsync(channel)).Should().Be(1);
    }

    [Fact]
    public async Task WhenEverythingExpiredOldestIsPastTheTopAndOffsetsContinue()
    {
        var store = CreateStore(Options(ttlSeconds: 60));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 3);

        Clock.Advance(TimeSpan.FromMinutes(5));

        var slice = await store.ReadAsync(channel, 0, 10);
        slice.Messages.Should().BeEmpty();
        slice.Should().BeEquivalentTo(new { Epoch = epoch, Top = 3L, Oldest = 4L });
        (await store.CountAsync(channel)).Should().Be(0);
        (await store.OpenAsync(channel)).Should().Be(new ChannelPosition(3, epoch));

        await AppendAsync(store, channel, epoch, 4, 4);
        Offsets(await store.ReadAsync(channel, 0, 10)).Should().Equal(4);
    }

    [Fact]
    public async Task ExpiredMessagesAreTrimmedOnAppend()
    {
        var store = CreateStore(Options(ttlSeconds: 10));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 300);
        Clock.Advance(TimeSpan.FromSeconds(10));

        await AppendAsync(store, channel, epoch, 301, 301);

        (await store.CountAsync(channel)).Should().Be(1);
        var slice = await store.ReadAsync(channel, 0, 10);
        Offsets(slice).Should().Equal(301);
        slice.Oldest.Should().Be(301);
    }

    [Fact]
    public async Task WithoutTtlMessagesStayUntilTheSizeBoundTrimsThem()
    {
        var store = CreateStore(Options(size: 5, ttlSeconds: 0));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 2);

        Clock.Advance(TimeSpan.FromDays(400));

        Offsets(await store.ReadAsync(channel, 0, 10)).Should().Equal(1, 2);
        (await store.CountAsync(channel)).Should().Be(2);
    }

    [Fact]
    public async Task ExpiryTrimsAPrefixEvenWhenTheClockWentBack()
    {
        var store = CreateStore(Options(ttlSeconds: 60));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await store.AppendAsync(Message(channel, epoch, 1, timestampMs: now));
        // A publication stamped earlier than its predecessor (a clock step back between two silos).
        await store.AppendAsync(Message(channel, epoch, 2, timestampMs: now - 50_000));
        await store.AppendAsync(Message(channel, epoch, 3, timestampMs: now));

        Clock.Advance(TimeSpan.FromSeconds(30));

        // Offset 2 is older than the TTL, but 1 before it is not: the retained history stays contiguous.
        Offsets(await store.ReadAsync(channel, 0, 10)).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task AfterLosingEverythingAppendConflictsAndOpenStartsANewEpoch()
    {
        var options = Options();
        var store = CreateStore(options);
        var channel = NewChannel();
        var oldEpoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, oldEpoch, 1, 3);

        store = await LoseEverythingAsync(store, options);

        var append = () => store.AppendAsync(Message(channel, oldEpoch, 4)).AsTask();
        await append.Should().ThrowAsync<HistoryConflictException>();
        var reopened = await store.OpenAsync(channel);
        reopened.Offset.Should().Be(0);
        reopened.Epoch.Should().NotBe(oldEpoch);
        await AppendAsync(store, channel, reopened.Epoch, 1, 1);
        var slice = await store.ReadAsync(channel, 0, 10);
        Offsets(slice).Should().Equal(1);
        slice.Epoch.Should().Be(reopened.Epoch);
    }

    [Fact]
    public async Task ABatchAppendsConsecutiveMessagesInOrderAfterTheTop()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 1);

        await store.AppendBatchAsync([Message(channel, epoch, 2, "b"), Message(channel, epoch, 3, "c") with { From = null, Event = "evt" }, Message(channel, epoch, 4, "d")]);
        await store.AppendAsync(Message(channel, epoch, 5, "e"));

        var slice = await store.ReadAsync(channel, 0, 10);
        slice.Top.Should().Be(5);
        Offsets(slice).Should().Equal(1, 2, 3, 4, 5);
        slice.Messages.Select(m => Encoding.UTF8.GetString(m.Data)).Should().Equal("\"m1\"", "\"b\"", "\"c\"", "\"d\"", "\"e\"");
        slice.Messages[2].From.Should().BeNull();
        slice.Messages[2].Event.Should().Be("evt");
        slice.Messages[3].From.Should().Be("user-1");
        (await store.OpenAsync(channel)).Should().Be(new ChannelPosition(5, epoch));
    }

    [Fact]
    public async Task ABatchThatDoesNotFollowTheTopStoresNothing()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;
        await AppendAsync(store, channel, epoch, 1, 2);

        var append = () => store.AppendBatchAsync([Message(channel, epoch, 4), Message(channel, epoch, 5)]).AsTask();

        await append.Should().ThrowAsync<HistoryConflictException>();
        var slice = await store.ReadAsync(channel, 0, 10);
        slice.Top.Should().Be(2);
        Offsets(slice).Should().Equal(1, 2);
    }

    [Fact]
    public async Task ABatchWithAHoleIsRefusedAndStoresNothing()
    {
        var store = CreateStore(Options());
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;

        var append = () => store.AppendBatchAsync([Message(channel, epoch, 1), Message(channel, epoch, 3)]).AsTask();

        await append.Should().ThrowAsync<ArgumentException>();
        var slice = await store.ReadAsync(channel, 0, 10);
        slice.Top.Should().Be(0);
        slice.Messages.Should().BeEmpty();
    }

    [Fact]
    public async Task ABatchLargerThanTheHistoryKeepsItsNewestMessages()
    {
        var store = CreateStore(Options(size: 3));
        var channel = NewChannel();
        var epoch = (await store.OpenAsync(channel)).Epoch;

        await store.AppendBatchAsync([.. Enumerable.Range(1, 5).Select(offset => Message(channel, epoch, offset))]);

        var slice = await store.ReadAsync(channel, 0, 10);
        slice.Top.Should().Be(5);
        Offsets(slice).Should().Equal(3, 4, 5);
    }

    protected ChannelMessage Message(string channel, string epoch, long offset, string? text = null, long? timestampMs = null) =>
        new(channel, offset, epoch, Encoding.UTF8.GetBytes($"\"{text ?? $"m{offset}"}\""), "user-1",
            timestampMs ?? Clock.GetUtcNow().ToUnixTimeMilliseconds(), MessagePriority.Normal);

    protected async Task AppendAsync(IHistoryStore store, string channel, string epoch, long from, long to)
    {
        for (var offset = from; offset <= to; offset++)
            await store.AppendAsync(Message(channel, epoch, offset));
    }

    protected static long[] Offsets(HistorySlice slice) => slice.Messages.Select(m => m.Offset).ToArray();

    protected static IOptions<HistoryOptions> Wrap(HistoryOptions options) => Microsoft.Extensions.Options.Options.Create(options);
}
