using System.Text;
using Orleans.Streams;
using OrleansRealtime.Channels;
using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Channels;

/// <summary>The channel grain's behaviour, run once per storage (one subclass each, each with its own cluster).</summary>
public abstract partial class ChannelGrainTests(ChannelClusterFixture fixture)
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    protected ChannelClusterFixture Fixture => fixture;

    protected IChannelGrain Grain(string channel) => fixture.Client.GetGrain<IChannelGrain>(channel);

    protected static string NewChannel() => $"test.{Guid.NewGuid():N}";

    [Fact]
    public async Task PublishAssignsOffsetsFromOneInOneEpoch()
    {
        var grain = Grain(NewChannel());

        var positions = new List<ChannelPosition>();
        for (var i = 0; i < 3; i++)
            positions.Add(await grain.PublishAsync(Request($"m{i}")));

        positions.Select(p => p.Offset).Should().Equal(1, 2, 3);
        positions.Select(p => p.Epoch).Distinct().Should().ContainSingle().Which.Should().NotBeNullOrEmpty();
        (await grain.GetPositionAsync()).Should().Be(positions[^1]);
    }

    [Fact]
    public async Task ConcurrentPublishersGetEveryOffsetExactlyOnce()
    {
        const int callers = 10;
        const int perCaller = 20;
        var grain = Grain(NewChannel());

        var published = await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var mine = new List<(string Text, ChannelPosition Position)>();
            for (var i = 0; i < perCaller; i++)
            {
                var text = $"caller{caller}-{i}";
                mine.Add((text, await grain.PublishAsync(Request(text))));
            }

            return mine;
        })).WithTimeout(Timeout, "concurrent publications");

        var all = published.SelectMany(p => p).ToList();
        all.Select(p => p.Position.Offset).Order().Should().Equal(Enumerable.Range(1, callers * perCaller).Select(i => (long)i));
        all.Select(p => p.Position.Epoch).Distinct().Should().ContainSingle();

        // The history holds, at each offset, the message whose publish was answered with that offset.
        var textAt = all.ToDictionary(p => p.Position.Offset, p => p.Text);
        var retained = await ReadAllAsync(grain, after: 0);
        retained.Select(m => m.Offset).Should().Equal(Enumerable.Range(callers * perCaller - ChannelClusterFixture.HistorySize + 1, ChannelClusterFixture.HistorySize).Select(i => (long)i));
        retained.Should().OnlyContain(m => Text(m) == textAt[m.Offset]);
    }

    [Fact]
    public async Task InfoReportsThePublishRateOverTheLastWindowOfTheChannelsClock()
    {
        var grain = Grain(NewChannel());
        var window = TimeSpan.FromSeconds(ChannelInfo.RateWindowSeconds);
        static double Rate(int messages) => messages / (double)ChannelInfo.RateWindowSeconds;

        // From the start of a second, so the window's edge falls exactly where the test advances to.
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(1000 - fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds() % 1000));
        (await grain.GetInfoAsync()).PublishedPerSecond.Should().Be(0, "nothing was published yet");
        await PublishManyAsync(grain, 3);
        (await grain.GetInfoAsync()).PublishedPerSecond.Should().BeApproximately(Rate(3), 0.001);

        fixture.Clock.Advance(window / 2);
        await PublishManyAsync(grain, 6);
        (await grain.GetInfoAsync()).PublishedPerSecond.Should().BeApproximately(Rate(9), 0.001, "both bursts are within the window");

        fixture.Clock.Advance(window / 2);
        (await grain.GetInfoAsync()).PublishedPerSecond.Should().BeApproximately(Rate(6), 0.001, "the first burst left the window");

        fixture.Clock.Advance(window / 2);
        var info = await grain.GetInfoAsync();
        info.PublishedPerSecond.Should().Be(0, "a quiet window has no rate");
        info.Published.Should().Be(9, "the total since activation stays");
    }

    [Fact]
    public async Task AMessageCarriesTheRequestAndTheRealtimeClock()
    {
        var channel = NewChannel();
        var grain = Grain(channel);
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(1234));
        var now = fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        var position = await grain.PublishAsync(new PublishRequest(Encoding.UTF8.GetBytes("{\"a\":1}"), "user-7", MessagePriority.High));
        var anonymous = await grain.PublishAsync(new PublishRequest(Encoding.UTF8.GetBytes("2"), null, MessagePriority.Low));

        var page = await grain.ReadAsync(new HistoryQuery(0, position.Epoch, 10));
        page.Messages.Should().BeEquivalentTo(
            [
                new ChannelMessage(channel, position.Offset, position.Epoch, Encoding.UTF8.GetBytes("{\"a\":1}"), "user-7", now, MessagePriority.High),
                new ChannelMessage(channel, anonymous.Offset, anonymous.Epoch, Encoding.UTF8.GetBytes("2"), null, now, MessagePriority.Low),
            ],
            o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task HistoryIsBoundedBySize()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, ChannelClusterFixture.HistorySize + 10);

        var info = await grain.GetInfoAsync();
        var fromStart = await grain.ReadAsync(new HistoryQuery(0, epoch, 5));
        var fromRetained = await grain.ReadAsync(new HistoryQuery(10, epoch, 5));

        info.HistoryLength.Should().Be(ChannelClusterFixture.HistorySize);
        Offsets(fromStart).Should().Equal(11, 12, 13, 14, 15);
        fromStart.Continuous.Should().BeFalse("offsets 1 to 10 were trimmed");
        Offsets(fromRetained).Should().Equal(11, 12, 13, 14, 15);
        fromRetained.Continuous.Should().BeTrue();
        fromRetained.More.Should().BeTrue();
    }

    [Fact]
    public async Task MessagesExpireAfterTheTtlWhileOffsetsContinue()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 3);

        fixture.Clock.Advance(TimeSpan.FromSeconds(ChannelClusterFixture.TtlSeconds));

        var behind = await grain.ReadAsync(new HistoryQuery(1, epoch, 10));
        behind.Messages.Should().BeEmpty();
        behind.Should().BeEquivalentTo(new { Epoch = epoch, Top = 3L, More = false, Continuous = false });
        var upToDate = await grain.ReadAsync(new HistoryQuery(3, epoch, 10));
        upToDate.Continuous.Should().BeTrue("a client at the top missed nothing, even though everything expired");
        (await grain.GetInfoAsync()).HistoryLength.Should().Be(0);

        var next = await grain.PublishAsync(Request("after idle"));
        next.Should().Be(new ChannelPosition(4, epoch));
        Offsets(await grain.ReadAsync(new HistoryQuery(3, epoch, 10))).Should().Equal(4);
    }

    [Fact]
    public async Task EpochAndOffsetsSurviveDeactivation()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 3);
        (await grain.GetInfoAsync()).Published.Should().Be(3);

        await fixture.Cluster.DeactivateAsync(grain).WithTimeout(Timeout, "the channel grain to deactivate");

        var info = await grain.GetInfoAsync();
        info.Published.Should().Be(0, "this is a new activation");
        info.Should().BeEquivalentTo(new { Epoch = epoch, Offset = 3L, HistoryLength = 3 });
        (await grain.PublishAsync(Request("next"))).Should().Be(new ChannelPosition(4, epoch));
        Offsets(await grain.ReadAsync(new HistoryQuery(0, epoch, 10))).Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public async Task APublishAfterAForeignAppendTakesTheStorePositionAndRetries()
    {
        var channel = NewChannel();
        var grain = Grain(channel);
        var epoch = await PublishManyAsync(grain, 3);
        var foreign = new ChannelMessage(channel, 4, epoch, Encoding.UTF8.GetBytes("\"foreign\""), null, 0, MessagePriority.Normal);
        await fixture.HistoryStore.AppendAsync(foreign);

        var position = await grain.PublishAsync(Request("mine"));

        position.Should().Be(new ChannelPosition(5, epoch));
        var page = await grain.ReadAsync(new HistoryQuery(3, epoch, 10));
        page.Messages.Select(Text).Should().Equal("foreign", "mine");
    }

    [Fact]
    public async Task ReadAfterAPositionAnswersTheNextPage()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 10);

        var page = await grain.ReadAsync(new HistoryQuery(4, epoch, 3));

        Offsets(page).Should().Equal(5, 6, 7);
        page.Should().BeEquivalentTo(new { Epoch = epoch, Top = 10L, More = true, Continuous = true });
    }

    [Fact]
    public async Task ReadOfTheLastPageSaysNoMore()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 10);

        var page = await grain.ReadAsync(new HistoryQuery(7, epoch, 5));

        Offsets(page).Should().Equal(8, 9, 10);
        page.More.Should().BeFalse();
        page.Continuous.Should().BeTrue();
    }

    [Fact]
    public async Task ReadAtTheTopIsEmptyAndContinuous()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 10);

        var page = await grain.ReadAsync(new HistoryQuery(10, epoch, 5));

        page.Messages.Should().BeEmpty();
        page.Should().BeEquivalentTo(new { Top = 10L, More = false, Continuous = true });
    }

    [Fact]
    public async Task ReadAfterTheTopIsNotContinuous()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 10);

        var page = await grain.ReadAsync(new HistoryQuery(11, epoch, 5));

        page.Messages.Should().BeEmpty();
        page.Should().BeEquivalentTo(new { Top = 10L, More = false, Continuous = false });
    }

    [Fact]
    public async Task ReadWithAnotherEpochStartsFromTheRetainedHistoryAndIsNotContinuous()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 10);

        var page = await grain.ReadAsync(new HistoryQuery(5, "stale-epoch", 100));

        Offsets(page).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
        page.Should().BeEquivalentTo(new { Epoch = epoch, Top = 10L, More = false, Continuous = false });
    }

    [Fact]
    public async Task ReadWithoutEpochContinuesFromTheOffset()
    {
        var grain = Grain(NewChannel());
        await PublishManyAsync(grain, 10);

        var page = await grain.ReadAsync(new HistoryQuery(5, null, 100));

        Offsets(page).Should().Equal(6, 7, 8, 9, 10);
        page.Continuous.Should().BeTrue();
    }

    [Fact]
    public async Task ReadCapsTheLimitAtTheMaximumPageSize()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, ChannelClusterFixture.MaxPageSize + 5);

        var page = await grain.ReadAsync(new HistoryQuery(0, epoch, 10_000));

        Offsets(page).Should().Equal(Enumerable.Range(1, ChannelClusterFixture.MaxPageSize).Select(i => (long)i));
        page.More.Should().BeTrue();
    }

    [Fact]
    public async Task ReadWithLimitZeroAnswersOnlyThePosition()
    {
        var grain = Grain(NewChannel());
        var epoch = await PublishManyAsync(grain, 4);

        var page = await grain.ReadAsync(new HistoryQuery(2, epoch, 0));

        page.Messages.Should().BeEmpty();
        page.Should().BeEquivalentTo(new { Epoch = epoch, Top = 4L, More = true, Continuous = true });
    }

    [Fact]
    public async Task ReadRefusesANegativeLimit()
    {
        var grain = Grain(NewChannel());
        await PublishManyAsync(grain, 1);

        var read = () => grain.ReadAsync(new HistoryQuery(0, null, -1)).AsTask();

        await read.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task ANewChannelIsAtOffsetZero()
    {
        var grain = Grain(NewChannel());

        var position = await grain.GetPositionAsync();
        var page = await grain.ReadAsync(new HistoryQuery(0, null, 10));

        position.Offset.Should().Be(0);
        position.Epoch.Should().NotBeNullOrEmpty();
        page.Should().BeEquivalentTo(new { position.Epoch, Top = 0L, More = false, Continuous = true });
    }

    [Fact]
    public async Task TheStreamDeliversEveryPublicationInOffsetOrder()
    {
        const int count = 100;
        var channel = NewChannel();
        var (received, all, subscription) = await CollectStreamAsync(channel, count);

        try
        {
            var grain = Grain(channel);
            await Task.WhenAll(Enumerable.Range(0, 5).Select(async caller =>
            {
                for (var i = 0; i < count / 5; i++)
                    await grain.PublishAsync(Request($"caller{caller}-{i}"));
            })).WithTimeout(Timeout, "the publications");

            await all.WithTimeout(Timeout, $"{count} stream deliveries");
            lock (received)
            {
                received.Select(m => m.Offset).Should().Equal(Enumerable.Range(1, count).Select(i => (long)i));
                received.Should().OnlyContain(m => m.Channel == channel);
            }
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task SubscriberReportsCountUntilTheirLeaseRunsOut()
    {
        var grain = Grain(NewChannel());
        await grain.ReportSubscribersAsync("gw-a", 3);
        await grain.ReportSubscribersAsync("gw-b", 2);
        (await grain.GetInfoAsync()).Subscribers.Should().BeEquivalentTo(new Dictionary<string, int> { ["gw-a"] = 3, ["gw-b"] = 2 });

        await grain.ReportSubscribersAsync("gw-b", 0);
        (await grain.GetInfoAsync()).Subscribers.Should().BeEquivalentTo(new Dictionary<string, int> { ["gw-a"] = 3 });

        fixture.Clock.Advance(TimeSpan.FromSeconds(ChannelClusterFixture.SubscriberLeaseSeconds - 1));
        await grain.ReportSubscribersAsync("gw-c", 1);
        (await grain.GetInfoAsync()).Subscribers.Should().BeEquivalentTo(new Dictionary<string, int> { ["gw-a"] = 3, ["gw-c"] = 1 });

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        (await grain.GetInfoAsync()).Subscribers.Should().BeEquivalentTo(new Dictionary<string, int> { ["gw-c"] = 1 }, "gw-a's lease ran out");
    }

    [Fact]
    public async Task InfoReportsPositionHistoryAndPublications()
    {
        var channel = NewChannel();
        var grain = Grain(channel);
        var epoch = await PublishManyAsync(grain, 7);

        var info = await grain.GetInfoAsync();

        info.Should().BeEquivalentTo(new { Channel = channel, Epoch = epoch, Offset = 7L, HistoryLength = 7, Published = 7L });
    }

    /// <summary>Subscribes to the channel's stream and collects what it delivers; the task completes at <paramref name="count"/> messages.</summary>
    protected async Task<(List<ChannelMessage> Received, Task All, StreamSubscriptionHandle<ChannelMessage> Subscription)> CollectStreamAsync(string channel, int count)
    {
        var received = new List<ChannelMessage>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = fixture.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<ChannelMessage>(StreamId.Create(StreamNames.Channel, channel));
        var subscription = await stream.SubscribeAsync((message, _) =>
        {
            lock (received)
            {
                received.Add(message);
                if (received.Count == count)
                    all.TrySetResult();
            }

            return Task.CompletedTask;
        });
        return (received, all.Task, subscription);
    }

    protected static PublishRequest Request(string text) => new(Encoding.UTF8.GetBytes($"\"{text}\""), "user-1");

    protected static string Text(ChannelMessage message) => Encoding.UTF8.GetString(message.Data).Trim('"');

    protected static long[] Offsets(HistoryPage page) => page.Messages.Select(m => m.Offset).ToArray();

    /// <summary>Publishes <paramref name="count"/> messages and returns their epoch.</summary>
    protected static async Task<string> PublishManyAsync(IChannelGrain grain, int count)
    {
        var position = default(ChannelPosition);
        for (var i = 1; i <= count; i++)
            position = await grain.PublishAsync(Request($"m{i}"));
        return position.Epoch ?? (await grain.GetPositionAsync()).Epoch;
    }

    /// <summary>Pages forward through everything retained after <paramref name="after"/>, as a recovering gateway does.</summary>
    protected static async Task<List<ChannelMessage>> ReadAllAsync(IChannelGrain grain, long after)
    {
        var messages = new List<ChannelMessage>();
        HistoryPage page;
        do
        {
            page = await grain.ReadAsync(new HistoryQuery(after, null, 1000));
            messages.AddRange(page.Messages);
            after = messages.Count > 0 ? messages[^1].Offset : after;
        }
        while (page.More && page.Messages.Count > 0);

        return messages;
    }
}
