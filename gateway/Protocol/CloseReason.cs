namespace OrleansRealtime.Gateway.Protocol;

/// <summary>
/// Why the server closes a connection: the closed set of reasons, each with its WebSocket status, the <c>code</c> a
/// <c>close</c> frame carries on transports without close statuses, and whether the client should reconnect.
/// </summary>
internal sealed record CloseReason(int WebSocketStatus, string Code, string Message, bool Reconnect)
{
    public static readonly CloseReason Normal = new(1000, "normal", "closed", Reconnect: false);
    public static readonly CloseReason Shutdown = new(1001, "shutdown", "gateway shutting down, reconnect to another", Reconnect: true);
    public static readonly CloseReason PolicyViolation = new(1008, "policy_violation", "too many invalid frames", Reconnect: false);
    public static readonly CloseReason FrameTooLarge = new(1009, "too_large", "frame exceeds the maximum frame size", Reconnect: true);
    public static readonly CloseReason Internal = new(1011, "internal", "internal error", Reconnect: true);
    public static readonly CloseReason SlowConsumer = new(4008, "slow_consumer", "client does not read fast enough", Reconnect: true);
    public static readonly CloseReason IdleTimeout = new(4009, "idle_timeout", "no frame from the client within the pong timeout", Reconnect: true);
    public static readonly CloseReason Unauthorized = new(4001, "unauthorized", "no valid token within the authentication time-out", Reconnect: false);
    public static readonly CloseReason TokenExpired = new(4002, "token_expired", "the token expired; reconnect with a fresh one", Reconnect: true);
    public static readonly CloseReason ClosedByAdmin = new(4010, "closed_by_admin", "closed by an administrator", Reconnect: false);
}
