using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>
/// The gateway's spans, seen by an <see cref="ActivityListener"/> on the <c>OrleansRealtime</c> source: a REST publish
/// produces a <c>publish</c> span, and the channel feed's fan-out of that message a <c>deliver</c> span.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class TracingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener = Listen();

    [Fact]
    public async Task APublishProducesAPublishSpanAndItsFanOutADeliverSpan()
    {
        _listener.ActivityStopped = _stopped.Enqueue;
        var channel = TestNames.Channel("traced");
        await using var subscriber = await fixture.Host.ConnectAsync();
        await subscriber.SubscribeAsync(channel);

        using (var body = new StringContent("""{"n":1}""", Encoding.UTF8, "application/json"))
            (await fixture.Host.Http.PostAsync($"/api/channels/{channel}/messages", body)).EnsureSuccessStatusCode();
        await subscriber.MessagesAsync(channel, 1);

        // The deliver span ends when the fan-out scope closes, which may be just after the subscriber got the message.
        var spans = await Eventually.HoldsAsync(
            () => Task.FromResult(_stopped.Where(span => Equals(span.GetTagItem(RealtimeActivities.ChannelTag), channel)).ToList()),
            found => found.Count == 2,
            $"a publish and a deliver span for '{channel}'");

        var publish = spans.Single(span => span.OperationName == RealtimeActivities.PublishName);
        publish.Kind.Should().Be(ActivityKind.Producer);
        publish.GetTagItem(RealtimeActivities.ViaTag).Should().Be(RealtimeActivities.ViaRest);
        publish.GetTagItem(RealtimeActivities.OffsetTag).Should().Be(1L);
        publish.Status.Should().Be(ActivityStatusCode.Unset);

        var deliver = spans.Single(span => span.OperationName == RealtimeActivities.DeliverName);
        deliver.Kind.Should().Be(ActivityKind.Consumer);
        deliver.GetTagItem(RealtimeActivities.OffsetTag).Should().Be(1L);
        deliver.StartTimeUtc.Should().BeOnOrAfter(publish.StartTimeUtc);
    }

    [Fact]
    public async Task TheDeliverSpanIsLinkedToThePublishSpanOfItsMessage()
    {
        _listener.ActivityStopped = _stopped.Enqueue;
        var channel = TestNames.Channel("linked");
        await using var subscriber = await fixture.Host.ConnectAsync();
        await subscriber.SubscribeAsync(channel);
        await using var publisher = await fixture.Host.ConnectAsync();

        await publisher.PublishAsync(channel, new System.Text.Json.Nodes.JsonObject { ["n"] = 1 });
        await subscriber.MessagesAsync(channel, 1);

        var spans = await Eventually.HoldsAsync(
            () => Task.FromResult(_stopped.Where(span => Equals(span.GetTagItem(RealtimeActivities.ChannelTag), channel)).ToList()),
            found => found.Count == 2,
            $"a publish and a deliver span for '{channel}'");
        var publish = spans.Single(span => span.OperationName == RealtimeActivities.PublishName);
        var deliver = spans.Single(span => span.OperationName == RealtimeActivities.DeliverName);

        // Linked, not parented: one publication fans out on many gateways, long after its publish span ended.
        deliver.Links.Should().ContainSingle().Which.Context.Should().Match<ActivityContext>(
            context => context.TraceId == publish.TraceId && context.SpanId == publish.SpanId);
    }

    public void Dispose() => _listener.Dispose();

    private static ActivityListener Listen()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RealtimeActivities.SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
