using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Protocol;

/// <summary>Frames of durable-stream subscriptions.</summary>
internal static partial class FrameWriter
{
    /// <summary>
    /// A durable stream's event, encoded once per gateway for every subscriber:
    /// <c>{"type":"event","stream","offset","epoch","event","data","ts"}</c>. <c>epoch</c> is the stream's incarnation, so
    /// a client never mistakes offsets of a stream deleted and created again for the old ones.
    /// </summary>
    /// <param name="stream">The stream id.</param>
    /// <param name="record">The event as its feed's record (see <c>StreamFeedLog</c>).</param>
    public static EncodedFrame StreamEvent(string stream, ChannelMessage record)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "event"u8);
        writer.WriteString("stream"u8, stream);
        writer.WriteNumber("offset"u8, record.Offset);
        writer.WriteString("epoch"u8, record.Epoch);
        writer.WriteString("event"u8, record.Event);
        writer.WritePropertyName("data"u8);
        writer.WriteRawValue(record.Data, skipInputValidation: true);
        WriteTimestamp(writer, record.TimestampMs);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Event, Return(writer), record.Priority) { Channel = stream, Offset = record.Offset, Epoch = record.Epoch };
    }

    /// <summary>The answer to a stream <c>subscribe</c>: the stream's last durable offset and epoch, <c>recovered</c> when <c>since</c> was given.</summary>
    public static EncodedFrame StreamAck(ReadOnlyMemory<byte> id, string stream, ChannelPosition position, bool? recovered) =>
        PositionAck(id, "stream"u8, stream, position, recovered);

    /// <summary>The answer to a stream <c>unsubscribe</c>.</summary>
    public static EncodedFrame StreamUnsubscribeAck(ReadOnlyMemory<byte> id, string stream) => NameAck(id, "stream"u8, stream);
}
