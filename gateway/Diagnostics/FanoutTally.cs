using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// The frames one fan-out queued, per transport, reported to <see cref="RealtimeMetrics"/> once per message. Counting
/// each subscriber's frame on the tagged counters (two <c>Counter.Add</c> calls, each run through every listening
/// exporter's tag lookup) cost more than the enqueue it counted; the totals are the same, recorded a few microseconds
/// later, and still before the fan-out's latency is (tests wait on that histogram before reading counters).
/// </summary>
/// <remarks>A mutable struct kept on the stack of the delivery: nothing is allocated per message.</remarks>
internal struct FanoutTally
{
    private int _webSocket;
    private int _sse;
    private int _polling;
    private int _signalR;

    /// <summary>One frame queued to a connection of <paramref name="transport"/>.</summary>
    public void Count(TransportKind transport)
    {
        if (ReferenceEquals(transport, TransportKind.WebSocket))
            _webSocket++;
        else if (ReferenceEquals(transport, TransportKind.Sse))
            _sse++;
        else if (ReferenceEquals(transport, TransportKind.Polling))
            _polling++;
        else
            _signalR++;
    }

    /// <summary>Records the queued frames as sent and, for <c>message</c> frames, as delivered.</summary>
    public readonly void Report(RealtimeMetrics metrics, ServerFrameType type)
    {
        Report(metrics, TransportKind.WebSocket, _webSocket, type);
        Report(metrics, TransportKind.Sse, _sse, type);
        Report(metrics, TransportKind.Polling, _polling, type);
        Report(metrics, TransportKind.SignalR, _signalR, type);
    }

    private static void Report(RealtimeMetrics metrics, TransportKind transport, int frames, ServerFrameType type)
    {
        if (frames == 0)
            return;
        metrics.FramesSent(transport.Name, frames);
        if (type == ServerFrameType.Message)
            metrics.Delivered(transport.Name, frames);
    }
}
