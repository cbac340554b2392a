using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Protocol;

/// <summary>
/// A server frame already serialized to UTF-8 JSON. A publication is encoded once per gateway and the same instance
/// is handed to every local subscriber's queue, so it is immutable.
/// </summary>
internal sealed class EncodedFrame(ServerFrameType type, ReadOnlyMemory<byte> utf8, MessagePriority priority = MessagePriority.Normal)
{
    public static readonly EncodedFrame Ping = new(ServerFrameType.Ping, "{\"type\":\"ping\"}"u8.ToArray());

    public ServerFrameType Type { get; } = type;

    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    public MessagePriority Priority { get; } = priority;

    /// <summary>For a channel message: the channel and offset it carries (used for recovery tokens and metrics).</summary>
    public string? Channel { get; init; }

    public long Offset { get; init; }

    public string? Epoch { get; init; }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8.Span);
}
