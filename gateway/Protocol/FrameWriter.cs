using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Protocol;

/// <summary>
/// Serializes server frames with <see cref="Utf8JsonWriter"/>. Property order and names are the wire format of
/// docs/protocol.md; payloads (<c>data</c>) are written as the raw JSON they were validated as on the way in.
/// A writer and its buffer are cached per thread, so encoding allocates only the frame's final byte array.
/// </summary>
internal static partial class FrameWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Frames are never embedded in HTML; relaxed escaping keeps non-ASCII text readable and small.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static EncodedFrame Message(ChannelMessage message)
    {
        var writer = Rent();
        WriteMessage(writer, message, withType: true);
        return new EncodedFrame(ServerFrameType.Message, Return(writer), message.Priority) { Channel = message.Channel, Offset = message.Offset, Epoch = message.Epoch };
    }

    /// <summary>The first frame; without a user id (and with <c>"auth":"required"</c>) the client must send an <c>auth</c> frame.</summary>
    public static EncodedFrame Welcome(string connectionId, string? userId, string gatewayId, int heartbeatSeconds, string transport)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "welcome"u8);
        writer.WriteString("connectionId"u8, connectionId);
        if (userId is null)
            writer.WriteString("auth"u8, "required"u8);
        else
            writer.WriteString("userId"u8, userId);
        writer.WriteString("gateway"u8, gatewayId);
        writer.WriteNumber("heartbeat"u8, heartbeatSeconds);
        writer.WriteString("transport"u8, transport);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Welcome, Return(writer));
    }

    public static EncodedFrame Pong(ReadOnlyMemory<byte> id)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "pong"u8);
        WriteId(writer, id);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Pong, Return(writer));
    }

    public static EncodedFrame Error(ReadOnlyMemory<byte> id, ErrorCode code, string message, long? retryAfterMs = null)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        WriteId(writer, id);
        writer.WriteString("code"u8, code.ToWire());
        writer.WriteString("message"u8, message);
        if (retryAfterMs is { } retry)
            writer.WriteNumber("retryAfterMs"u8, retry);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Error, Return(writer), MessagePriority.High);
    }

    public static EncodedFrame Close(CloseReason reason)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "close"u8);
        writer.WriteString("code"u8, reason.Code);
        writer.WriteString("message"u8, reason.Message);
        writer.WriteBoolean("reconnect"u8, reason.Reconnect);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Close, Return(writer), MessagePriority.High);
    }

    /// <summary>The answer to <c>subscribe</c>: the channel's position, and <c>recovered</c> when <c>since</c> was given.</summary>
    public static EncodedFrame SubscribeAck(ReadOnlyMemory<byte> id, string channel, ChannelPosition position, bool? recovered) =>
        PositionAck(id, "channel"u8, channel, position, recovered);

    /// <summary>An ack naming what it answers for (<c>channel</c>, <c>stream</c>) with its position and, when asked, <c>recovered</c>.</summary>
    private static EncodedFrame PositionAck(ReadOnlyMemory<byte> id, ReadOnlySpan<byte> nameProperty, string name, ChannelPosition position, bool? recovered)
    {
        var writer = Rent();
        StartAck(writer, id, nameProperty, name);
        writer.WriteNumber("offset"u8, position.Offset);
        writer.WriteString("epoch"u8, position.Epoch);
        if (recovered is { } value)
            writer.WriteBoolean("recovered"u8, value);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    public static EncodedFrame PublishAck(ReadOnlyMemory<byte> id, string channel, ChannelPosition position)
        => SubscribeAck(id, channel, position, recovered: null);

    /// <summary>The answer to <c>auth</c>: who the connection now is, and until when.</summary>
    public static EncodedFrame AuthAck(ReadOnlyMemory<byte> id, string userId, DateTimeOffset? expiresAt)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "ack"u8);
        WriteId(writer, id);
        writer.WriteString("userId"u8, userId);
        if (expiresAt is { } expires)
            writer.WriteString("expiresAt"u8, expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    public static EncodedFrame ChannelAck(ReadOnlyMemory<byte> id, string channel) => NameAck(id, "channel"u8, channel);

    /// <summary>An ack that only names what it answers for (an <c>unsubscribe</c>'s <c>channel</c> or <c>stream</c>).</summary>
    private static EncodedFrame NameAck(ReadOnlyMemory<byte> id, ReadOnlySpan<byte> nameProperty, string name)
    {
        var writer = Rent();
        StartAck(writer, id, nameProperty, name);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    /// <summary>The answer to <c>history</c>: position, the messages as <c>message</c> frames (oldest first) and <c>more</c>.</summary>
    public static EncodedFrame HistoryAck(ReadOnlyMemory<byte> id, string channel, HistoryPage page)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "ack"u8);
        WriteId(writer, id);
        WriteHistoryBody(writer, channel, page);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    /// <summary>The REST history answer: the history ack without <c>type</c> and <c>id</c>.</summary>
    public static byte[] HistoryDocument(string channel, HistoryPage page)
    {
        var writer = Rent();
        writer.WriteStartObject();
        WriteHistoryBody(writer, channel, page);
        writer.WriteEndObject();
        return Return(writer);
    }

    private static void WriteHistoryBody(Utf8JsonWriter writer, string channel, HistoryPage page)
    {
        writer.WriteString("channel"u8, channel);
        writer.WriteString("epoch"u8, page.Epoch);
        writer.WriteNumber("offset"u8, page.Top);
        writer.WritePropertyName("messages"u8);
        writer.WriteStartArray();
        foreach (var message in page.Messages)
            WriteMessage(writer, message, withType: true);
        writer.WriteEndArray();
        writer.WriteBoolean("more"u8, page.More);
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChannelMessage message, bool withType, string? pattern = null)
    {
        writer.WriteStartObject();
        if (withType)
            writer.WriteString("type"u8, "message"u8);
        writer.WriteString("channel"u8, message.Channel);
        if (pattern is not null)
            writer.WriteString("pattern"u8, pattern);
        writer.WriteNumber("offset"u8, message.Offset);
        writer.WriteString("epoch"u8, message.Epoch);
        writer.WritePropertyName("data"u8);
        writer.WriteRawValue(message.Data, skipInputValidation: true);
        if (message.From is { } from)
            writer.WriteString("from"u8, from);
        WriteTimestamp(writer, message.TimestampMs);
        writer.WriteString("priority"u8, message.Priority switch
        {
            MessagePriority.Low => "low"u8,
            MessagePriority.High => "high"u8,
            _ => "normal"u8,
        });
        writer.WriteEndObject();
    }

    private static void WriteId(Utf8JsonWriter writer, ReadOnlyMemory<byte> id)
    {
        if (id.IsEmpty)
            return;
        writer.WritePropertyName("id"u8);
        writer.WriteRawValue(id.Span, skipInputValidation: true);
    }

    /// <summary>Writes <c>"ts":"2026-11-23T10:00:00.000Z"</c> without allocating.</summary>
    private static void WriteTimestamp(Utf8JsonWriter writer, long unixMs) => WriteTimestamp(writer, "ts"u8, unixMs);

    private static void WriteTimestamp(Utf8JsonWriter writer, ReadOnlySpan<byte> property, long unixMs)
    {
        Span<byte> buffer = stackalloc byte[32];
        var time = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime;
        time.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        writer.WriteString(property, buffer[..written]);
    }

    private static Utf8JsonWriter Rent()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        if (t_writer is null)
            t_writer = new Utf8JsonWriter(buffer, WriterOptions);
        else
            t_writer.Reset(buffer);
        return t_writer;
    }

    private static byte[] Return(Utf8JsonWriter writer)
    {
        writer.Flush();
        var bytes = t_buffer!.WrittenSpan.ToArray();
        if (t_buffer.Capacity > 64 * 1024)
            t_buffer = null; // don't pin a huge buffer to the thread after one large frame
        return bytes;
    }
}
