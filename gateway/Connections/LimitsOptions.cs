using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>Per-gateway and per-connection limits, bound from <c>Realtime:Limits</c>.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Realtime:Limits";

    /// <summary>Connections this gateway accepts at once, over all transports.</summary>
    [Range(1, 10_000_000)]
    public int MaxConnections { get; set; } = 100_000;

    [Range(1, 100_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 256;

    [Range(1, 100_000)]
    public int MaxRoomsPerConnection { get; set; } = 64;

    /// <summary>
    /// Client frames per second, per connection and per user across all their connections and gateways (token
    /// buckets holding one second's worth). Frames over it are answered with <c>rate_limited</c>.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MessagesPerSecond { get; set; } = 1000;

    /// <summary>
    /// Refused frames (rate-limited or malformed) a connection may send per <see cref="AbuseWindowSeconds"/> before it
    /// is closed with 1008; a single burst stays below it, sustained abuse does not.
    /// </summary>
    [Range(1, 1_000_000)]
    public int AbuseThreshold { get; set; } = 200;

    [Range(1, 3600)]
    public int AbuseWindowSeconds { get; set; } = 10;

    /// <summary>Largest client frame (or REST body) in bytes; a larger WebSocket frame closes with 1009.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Publications one connection may have in flight (sent to the channel grains, not yet answered). A connection at
    /// the limit is not read further until one is answered: backpressure, not an error.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxPublishesInFlight { get; set; } = 256;

    /// <summary>The server pings every this many seconds.</summary>
    [Range(1, 3600)]
    public int HeartbeatSeconds { get; set; } = 25;

    /// <summary>A connection that sent nothing for <see cref="HeartbeatSeconds"/> + this is closed as dead.</summary>
    [Range(1, 3600)]
    public int PongTimeoutSeconds { get; set; } = 10;

    /// <summary>Frames a connection's send queue holds before the client counts as a slow consumer.</summary>
    [Range(16, 1_000_000)]
    public int SendQueueFrames { get; set; } = 4096;

    /// <summary>Bytes a connection's send queue holds before the client counts as a slow consumer.</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int SendQueueBytes { get; set; } = 4 * 1024 * 1024;

    public TimeSpan Heartbeat => TimeSpan.FromSeconds(HeartbeatSeconds);

    /// <summary>How long a long-polling client may go without a poll before it counts as disconnected.</summary>
    public TimeSpan PongTimeout => TimeSpan.FromSeconds(PongTimeoutSeconds);

    /// <summary>Silence after which a connection is dead.</summary>
    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(HeartbeatSeconds + PongTimeoutSeconds);
}
