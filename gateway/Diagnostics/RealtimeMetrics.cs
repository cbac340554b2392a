using System.Diagnostics.Metrics;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// The gateway's instruments on the <c>OrleansRealtime</c> meter. Tags come from small fixed sets (transport,
/// drop reason, error code), so cardinality stays bounded whatever clients send.
/// </summary>
/// <remarks>
/// Instrument names and units are chosen for their Prometheus names (docs/observability.md): a counter gets
/// <c>_total</c>, a unit gets a suffix (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>) and a <c>{…}</c>
/// annotation gets none, so <c>realtime.messages.published</c> is exposed as <c>realtime_messages_published_total</c>.
/// </remarks>
internal sealed class RealtimeMetrics
{
    public const string MeterName = "OrleansRealtime";

    /// <summary>Fan-out latency buckets, in seconds: 1 ms to 10 s (the exporter's defaults are milliseconds-sized).</summary>
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _framesSent;
    private readonly Counter<long> _published;
    private readonly Counter<long> _publishCalls;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _gapsFilled;
    private readonly Histogram<double> _fanoutLatency;

    public RealtimeMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _connections = Meter.CreateUpDownCounter<long>("realtime.connections", "{connection}", "Open client connections, by transport");
        _framesReceived = Meter.CreateCounter<long>("realtime.frames.received", "{frame}", "Client frames received, by transport");
        _framesSent = Meter.CreateCounter<long>("realtime.frames.sent", "{frame}", "Server frames queued to clients, by transport");
        _published = Meter.CreateCounter<long>("realtime.messages.published", "{message}", "Messages published through this gateway");
        _publishCalls = Meter.CreateCounter<long>("realtime.publish.calls", "{call}", "Channel grain publish calls (one per group-commit batch)");
        _delivered = Meter.CreateCounter<long>("realtime.messages.delivered", "{message}", "Message frames queued to clients, by transport");
        _dropped = Meter.CreateCounter<long>("realtime.frames.dropped", "{frame}", "Frames not delivered, by reason");
        _errors = Meter.CreateCounter<long>("realtime.errors", "{error}", "Error frames and problems sent, by code");
        _gapsFilled = Meter.CreateCounter<long>("realtime.gaps.filled", "{gap}", "Stream gaps filled from history");
        _fanoutLatency = Meter.CreateHistogram(
            "realtime.fanout.latency",
            "s",
            "From a message's publication to its queueing for every local subscriber",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    }

    /// <summary>This gateway's meter (one per host: tests run several gateways in one process).</summary>
    public Meter Meter { get; }

    public void ConnectionOpened(string transport) => _connections.Add(1, new KeyValuePair<string, object?>("transport", transport));

    public void ConnectionClosed(string transport) => _connections.Add(-1, new KeyValuePair<string, object?>("transport", transport));

    /// <summary>A frame (or, for a batch, each frame of it) arrived from a client.</summary>
    public void FrameReceived(string transport) => _framesReceived.Add(1, new KeyValuePair<string, object?>("transport", transport));

    /// <summary>A frame of any type entered a client's send queue.</summary>
    public void FrameSent(string transport) => _framesSent.Add(1, new KeyValuePair<string, object?>("transport", transport));

    /// <summary>Frames of one fan-out that entered the send queues of connections of one transport.</summary>
    public void FramesSent(string transport, int frames) => _framesSent.Add(frames, new KeyValuePair<string, object?>("transport", transport));

    public void Published() => _published.Add(1);

    /// <summary>The gateway's group commit made one channel grain call (a batch of publications).</summary>
    public void PublishCalled() => _publishCalls.Add(1);

    public void Delivered(string transport) => _delivered.Add(1, new KeyValuePair<string, object?>("transport", transport));

    /// <summary>Message frames of one fan-out queued to connections of one transport.</summary>
    public void Delivered(string transport, int frames) => _delivered.Add(frames, new KeyValuePair<string, object?>("transport", transport));

    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Error(ErrorCode code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code.ToWire()));

    public void GapFilled() => _gapsFilled.Add(1);

    /// <summary>Records one publication's fan-out latency (negative values, from clock skew between hosts, count as 0).</summary>
    public void FanoutLatency(TimeSpan latency) => _fanoutLatency.Record(Math.Max(0, latency.TotalSeconds));

    /// <summary>
    /// Starts the fan-out of one message to this gateway's subscribers: a delivery span (when traced) and, when the
    /// returned scope is disposed, the fan-out latency from the message's publication timestamp.
    /// </summary>
    public FanoutScope StartFanout(ChannelMessage message, TimeProvider time) =>
        new(this, time, message.TimestampMs, RealtimeActivities.StartDelivery(message));
}
