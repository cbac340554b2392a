namespace OrleansRealtime.Gateway.Connections;

/// <summary>How the gateway knows a connection is still alive; each transport has one.</summary>
internal enum Liveness
{
    /// <summary>The server pings; a client that sends nothing (not even a pong) for heartbeat + pong time-out is closed.</summary>
    ClientAnswersPings,

    /// <summary>
    /// The server pings to keep proxies from closing an idle stream (SSE renders them as comments); the client cannot
    /// answer, so a dead client is found when a write fails or the request is aborted.
    /// </summary>
    ServerPingsOnly,

    /// <summary>No pings: the client's own requests are the heartbeat. Closed after the pong time-out without one.</summary>
    Polls,

    /// <summary>The transport keeps its own keep-alive and time-outs (SignalR) and reports the disconnect.</summary>
    Managed,
}

/// <summary>A transport's name (as <c>welcome.transport</c> and the metrics label say it) and its liveness rule.</summary>
internal sealed record TransportKind(string Name, Liveness Liveness)
{
    public static readonly TransportKind WebSocket = new("websocket", Liveness.ClientAnswersPings);
    public static readonly TransportKind Sse = new("sse", Liveness.ServerPingsOnly);
    public static readonly TransportKind Polling = new("polling", Liveness.Polls);
    public static readonly TransportKind SignalR = new("signalr", Liveness.Managed);
}
