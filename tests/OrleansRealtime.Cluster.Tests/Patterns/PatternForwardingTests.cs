using System.Text;
using System.Threading.Channels;
using Orleans.Streams;
using OrleansRealtime.Channels;
using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Patterns;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Cluster.Tests.Patterns;

/// <summary>Channels forward to the streams of active patterns they match, and to nothing else.</summary>
[Trait("Category", "Cluster")]
public sealed class PatternForwardingTests(MemoryChannelClusterFixture fixture) : IClassFixture<MemoryChannelClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(ChannelClusterFixture.PatternRefreshMilliseconds);

    private IPatternRegistryGrain Registry => fixture.Client.GetGrain<IPatternRegistryGrain>(IPatternRegistryGrain.Key);

    [Fact]
    public async Task APublicationReachesEveryActivePatternItMatchesOnceAndNoOther()
    {
        var root = $"p{Guid.NewGuid():N}";
        var (one, many, other) = ($"{root}.*", $"{root}.>", $"{root}.x.*");
        var received = Channel.CreateUnbounded<(string Pattern, ChannelMessage Message)>();
        var handles = new List<StreamSubscriptionHandle<ChannelMessage>>();
        foreach (var pattern in new[] { one, many, other })
        {
            handles.Add(await PatternStream(pattern).SubscribeAsync((message, _) =>
            {
                received.Writer.TryWrite((pattern, message));
                return Task.CompletedTask;
            }));
            (await Registry.RegisterAsync(pattern, "gw-a")).Should().Be(Refresh);
        }

        fixture.Clock.Advance(Refresh);
        try
        {
            await Publish($"{root}.cpu", "first");
            await Publish($"{root}.cpu.core0", "second");

            var deliveries = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var (pattern, message) = await received.Reader.ReadAsync().AsTask().WithTimeout(Timeout, $"pattern delivery {i + 1}");
                deliveries.Add($"{pattern} {message.Channel}");
            }

            deliveries.Should().BeEquivalentTo($"{one} {root}.cpu", $"{many} {root}.cpu", $"{many} {root}.cpu.core0");
        }
        finally
        {
            foreach (var handle in handles)
                await handle.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task APatternStopsReceivingOnceUnregisteredOrExpired()
    {
        var root = $"p{Guid.NewGuid():N}";
        await Registry.RegisterAsync($"{root}.*", "gw-a");
        await Registry.RegisterAsync($"{root}.>", "gw-b");
        (await Registry.GetActiveAsync()).Should().Contain([$"{root}.*", $"{root}.>"]);

        await Registry.UnregisterAsync($"{root}.*", "gw-a");
        fixture.Clock.Advance(TimeSpan.FromSeconds(90));

        (await Registry.GetActiveAsync()).Should().NotContain([$"{root}.*", $"{root}.>"], "one was unregistered and the other's lease ran out");
    }

    [Theory]
    [InlineData("metrics.*", "metrics.cpu", true)]
    [InlineData("metrics.*", "metrics.cpu.core0", false)]
    [InlineData("metrics.*", "metrics", false)]
    [InlineData("metrics.>", "metrics.cpu.core0", true)]
    [InlineData("metrics.>", "metrics", false)]
    [InlineData("*.cpu", "metrics.cpu", true)]
    [InlineData("a.*.c", "a.b.c", true)]
    [InlineData("a.*.c", "a.b.d", false)]
    public void PatternsMatchWholeSegments(string pattern, string channel, bool matches)
    {
        ChannelPattern.IsValid(pattern).Should().BeTrue();
        ChannelPattern.Matches(pattern, channel).Should().Be(matches);
    }

    [Theory]
    [InlineData("metrics.>.cpu")]
    [InlineData("metrics.c*")]
    [InlineData("metrics..*")]
    [InlineData("")]
    public void WildcardsAreWholeSegmentsWithGreaterThanLast(string pattern) =>
        ChannelPattern.IsValid(pattern).Should().BeFalse();

    private async Task Publish(string channel, string text) =>
        await fixture.Client.GetGrain<IChannelGrain>(channel).PublishAsync(new PublishRequest(Encoding.UTF8.GetBytes($"\"{text}\""), null));

    private IAsyncStream<ChannelMessage> PatternStream(string pattern) =>
        fixture.Client.GetStreamProvider(StreamNames.Provider).GetStream<ChannelMessage>(StreamId.Create(StreamNames.Pattern, pattern));
}
