namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>How a subscriber talks to the gateway (the publisher always uses a plain WebSocket).</summary>
internal enum SubscriberTransport
{
    /// <summary><c>GET /ws</c>, one frame per WebSocket message.</summary>
    WebSocket,

    /// <summary><c>GET /ws?batch=true</c>, JSON arrays of the frames that were ready together.</summary>
    WebSocketBatch,

    /// <summary><c>GET /ws</c> with permessage-deflate offered (the gateway must run with compression enabled).</summary>
    WebSocketDeflate,

    /// <summary><c>GET /sse?subscribe=bench</c>, one event per frame.</summary>
    Sse,

    /// <summary><c>POST /poll?subscribe=bench</c>, then <c>GET /poll/{id}?cursor=N</c> in a loop, always one poll outstanding.</summary>
    Polling,

    /// <summary>The hub at <c>/hub</c> through the official SignalR client, WebSockets transport, negotiation skipped.</summary>
    SignalR,
}
