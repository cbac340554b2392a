using System.Diagnostics.Metrics;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// The gateway's instruments on the <c>OrleansRealtime</c> meter. Tags come from small fixed sets (transport,
/// drop reason, error code), so cardinality stays bounded whatever clients send.
/// </summary>
internal sealed class RealtimeMetrics
{
    public const string MeterName = "OrleansRealtime";

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _gapsFilled;

    public RealtimeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("realtime.connections", description: "Open client connections");
        _published = meter.CreateCounter<long>("realtime.messages.published", description: "Messages published through this gateway");
        _delivered = meter.CreateCounter<long>("realtime.messages.delivered", description: "Message frames queued to clients");
        _dropped = meter.CreateCounter<long>("realtime.frames.dropped", description: "Frames not delivered, by reason");
        _errors = meter.CreateCounter<long>("realtime.errors", description: "Error frames and problems sent, by code");
        _gapsFilled = meter.CreateCounter<long>("realtime.gaps.filled", description: "Stream gaps filled from history");
    }

    public void ConnectionOpened(string transport) => _connections.Add(1, new KeyValuePair<string, object?>("transport", transport));

    public void ConnectionClosed(string transport) => _connections.Add(-1, new KeyValuePair<string, object?>("transport", transport));

    public void Published() => _published.Add(1);

    public void Delivered(string transport) => _delivered.Add(1, new KeyValuePair<string, object?>("transport", transport));

    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Error(ErrorCode code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code.ToWire()));

    public void GapFilled() => _gapsFilled.Add(1);
}
