using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Diagnostics;

namespace OrleansRealtime.Unit.Tests.Diagnostics;

/// <summary>The JSON metrics read the gateway's own meter: the same measurements the exporter sees, nothing else.</summary>
[Trait("Category", "Unit")]
public sealed class MetricsReaderTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RealtimeMetrics _metrics;
    private readonly MetricsReader _reader;

    public MetricsReaderTests()
    {
        _metrics = new RealtimeMetrics(_services.GetRequiredService<IMeterFactory>());
        _reader = new MetricsReader(_metrics);
    }

    [Fact]
    public void CountersAddUpInTotalAndPerTagValue()
    {
        _metrics.Delivered("websocket");
        _metrics.Delivered("websocket");
        _metrics.Delivered("sse");
        _metrics.Error(OrleansRealtime.Gateway.Protocol.ErrorCode.BadRequest);

        var snapshot = _reader.Snapshot();

        var delivered = snapshot["realtime.messages.delivered"];
        delivered.Kind.Should().Be("counter");
        delivered.Value.Should().Be(3);
        delivered.By!["transport"].Should().BeEquivalentTo(new Dictionary<string, long> { ["websocket"] = 2, ["sse"] = 1 });
        snapshot["realtime.errors"].By!["code"].Should().BeEquivalentTo(new Dictionary<string, long> { ["bad_request"] = 1 });
        snapshot["realtime.messages.published"].Value.Should().Be(0);
        snapshot["realtime.messages.published"].By.Should().BeNull();
    }

    [Fact]
    public void ConnectionsFollowOpensAndCloses()
    {
        _metrics.ConnectionOpened("websocket");
        _metrics.ConnectionOpened("websocket");
        _metrics.ConnectionClosed("websocket");

        var connections = _reader.Snapshot()["realtime.connections"];

        connections.Kind.Should().Be("updowncounter");
        connections.Unit.Should().Be("{connection}");
        connections.Value.Should().Be(1);
        connections.By!["transport"]["websocket"].Should().Be(1);
    }

    [Fact]
    public void GaugesHoldWhatTheirCallbackReportedAtTheSnapshot()
    {
        var depth = 5L;
        _metrics.Meter.CreateObservableGauge("test.depth", () => depth);

        _reader.Snapshot()["test.depth"].Value.Should().Be(5);
        depth = 2;
        var gauge = _reader.Snapshot()["test.depth"];

        gauge.Kind.Should().Be("gauge");
        gauge.Value.Should().Be(2, "a gauge is observed anew, not summed across snapshots");
    }

    [Fact]
    public void FanOutLatencyIsADistributionInSecondsWithClockSkewCountedAsZero()
    {
        _metrics.FanoutLatency(TimeSpan.FromMilliseconds(10));
        _metrics.FanoutLatency(TimeSpan.FromMilliseconds(30));
        _metrics.FanoutLatency(TimeSpan.FromMilliseconds(-5));

        var latency = _reader.Snapshot()["realtime.fanout.latency"];

        latency.Kind.Should().Be("histogram");
        latency.Unit.Should().Be("s");
        latency.Count.Should().Be(3);
        latency.Sum.Should().BeApproximately(0.04, 1e-12);
        latency.Min.Should().Be(0);
        latency.Max.Should().BeApproximately(0.03, 1e-12);
    }

    [Fact]
    public void AFanOutScopeRecordsTheTimeFromPublicationToItsEnd()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var message = new ChannelMessage("news", 1, "e1", "1"u8.ToArray(), From: null, clock.GetUtcNow().ToUnixTimeMilliseconds(), MessagePriority.Normal);

        using (_metrics.StartFanout(message, clock))
            clock.Advance(TimeSpan.FromMilliseconds(250));

        var latency = _reader.Snapshot()["realtime.fanout.latency"];
        latency.Count.Should().Be(1);
        latency.Sum.Should().BeApproximately(0.25, 1e-12);
    }

    [Fact]
    public void AnotherGatewaysMeterOfTheSameNameIsNotRead()
    {
        using var otherServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var other = new RealtimeMetrics(otherServices.GetRequiredService<IMeterFactory>());

        other.Published();
        other.ConnectionOpened("websocket");
        _metrics.Published();

        var snapshot = _reader.Snapshot();
        snapshot["realtime.messages.published"].Value.Should().Be(1);
        snapshot["realtime.connections"].Value.Should().Be(0);
    }

    public void Dispose()
    {
        _reader.Dispose();
        _services.Dispose();
    }
}
