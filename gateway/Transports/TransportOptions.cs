using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Gateway.Transports;

/// <summary>Transport settings, bound from <c>Realtime:Transports</c>.</summary>
public sealed class TransportOptions
{
    public const string Section = "Realtime:Transports";

    /// <summary>Longest wait of a long-poll request without frames; <c>?timeout=</c> may only shorten it.</summary>
    [Range(1, 25)]
    public int PollTimeoutSeconds { get; set; } = 25;

    /// <summary>Most frames one long-poll answer carries; the rest come with the next poll.</summary>
    [Range(1, 100_000)]
    public int PollBatchFrames { get; set; } = 1000;

    /// <summary>The reconnection delay SSE clients are told to use (the <c>retry:</c> field).</summary>
    [Range(100, 60_000)]
    public int SseRetryMilliseconds { get; set; } = 2000;

    /// <summary>
    /// Whether WebSocket connections may negotiate permessage-deflate (RFC 7692) when the client offers it. Off by
    /// default: it trades CPU per frame for bytes on the wire (see bench/README.md for the measured cost).
    /// </summary>
    public bool WebSocketCompression { get; set; }
}
