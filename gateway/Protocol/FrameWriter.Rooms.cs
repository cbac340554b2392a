using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Presence;

namespace OrleansRealtime.Gateway.Protocol;

/// <summary>Frames of rooms, presence, direct messages and pattern subscriptions.</summary>
internal static partial class FrameWriter
{
    /// <summary>
    /// A record of a room's log: a <c>room</c> frame for a message, a <c>presence</c> frame for a member's join, leave
    /// or presence change. Both carry the record's offset and epoch, so a member sees one gap-free sequence.
    /// </summary>
    public static EncodedFrame RoomRecord(string room, ChannelMessage message)
    {
        var writer = Rent();
        writer.WriteStartObject();
        var presence = message.Event is { } name && InternalLogs.IsReservedEvent(name);
        writer.WriteString("type"u8, presence ? "presence"u8 : "room"u8);
        writer.WriteString("room"u8, room);
        writer.WriteNumber("offset"u8, message.Offset);
        writer.WriteString("epoch"u8, message.Epoch);
        if (presence)
        {
            WriteObjectProperties(writer, message.Data);
            if (message.Event == InternalLogs.JoinEvent)
                writer.WriteString("status"u8, "join"u8);
            else if (message.Event == InternalLogs.LeaveEvent)
                writer.WriteString("status"u8, "leave"u8);
        }
        else
        {
            writer.WriteString("event"u8, message.Event ?? "message");
            writer.WritePropertyName("data"u8);
            writer.WriteRawValue(message.Data, skipInputValidation: true);
            if (message.From is { } from)
                writer.WriteString("from"u8, from);
            WriteTimestamp(writer, message.TimestampMs);
        }

        writer.WriteEndObject();
        return new EncodedFrame(presence ? ServerFrameType.Presence : ServerFrameType.Room, Return(writer), message.Priority)
        {
            Offset = message.Offset,
            Epoch = message.Epoch,
        };
    }

    /// <summary>A direct message: <c>{"type":"direct","from","data","ts","offset"}</c> (the offset in the recipient's direct log).</summary>
    public static EncodedFrame Direct(ChannelMessage message)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "direct"u8);
        if (message.From is { } from)
            writer.WriteString("from"u8, from);
        writer.WritePropertyName("data"u8);
        writer.WriteRawValue(message.Data, skipInputValidation: true);
        WriteTimestamp(writer, message.TimestampMs);
        writer.WriteNumber("offset"u8, message.Offset);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Direct, Return(writer), message.Priority) { Offset = message.Offset, Epoch = message.Epoch };
    }

    /// <summary>A watched user's presence change: <c>{"type":"presence","user","status","lastSeen","state"}</c>.</summary>
    public static EncodedFrame WatchedPresence(ChannelMessage message)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "presence"u8);
        WriteObjectProperties(writer, message.Data);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Presence, Return(writer), MessagePriority.High) { Offset = message.Offset, Epoch = message.Epoch };
    }

    /// <summary>
    /// A channel message delivered through a pattern subscription: a <c>message</c> frame that also names the pattern.
    /// It carries no <see cref="EncodedFrame.Channel"/>, so it never moves the resume position of an exact subscription.
    /// </summary>
    public static EncodedFrame PatternMessage(ChannelMessage message, string pattern)
    {
        var writer = Rent();
        WriteMessage(writer, message, withType: true, pattern);
        return new EncodedFrame(ServerFrameType.Message, Return(writer), message.Priority) { Offset = message.Offset, Epoch = message.Epoch };
    }

    /// <summary>
    /// The answer to <c>join</c>: the room's position and its members with their presence (as of the joiner's own join
    /// event, which the events that follow continue), and <c>recovered</c> when the client asked to resume.
    /// </summary>
    public static EncodedFrame JoinAck(ReadOnlyMemory<byte> id, string room, ChannelPosition position, bool? recovered, IReadOnlyList<UserPresence> members)
    {
        var writer = Rent();
        StartAck(writer, id, "room"u8, room);
        writer.WriteNumber("offset"u8, position.Offset);
        writer.WriteString("epoch"u8, position.Epoch);
        if (recovered is { } value)
            writer.WriteBoolean("recovered"u8, value);
        writer.WritePropertyName("members"u8);
        WritePresenceArray(writer, members);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    /// <summary>The answer to <c>leave</c> (no position) and <c>room.send</c> (the message's position).</summary>
    public static EncodedFrame RoomAck(ReadOnlyMemory<byte> id, string room, ChannelPosition? position = null)
    {
        var writer = Rent();
        StartAck(writer, id, "room"u8, room);
        if (position is { } at)
        {
            writer.WriteNumber("offset"u8, at.Offset);
            writer.WriteString("epoch"u8, at.Epoch);
        }

        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    /// <summary>The answer to <c>direct</c>: the recipient, the message's offset in their log and whether they were online.</summary>
    public static EncodedFrame DirectAck(ReadOnlyMemory<byte> id, string to, DirectReceipt receipt)
    {
        var writer = Rent();
        StartAck(writer, id, "to"u8, to);
        writer.WriteNumber("offset"u8, receipt.Offset);
        writer.WriteBoolean("online"u8, receipt.Online);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    /// <summary>The answer to <c>presence.get</c> and <c>presence.set</c>: <c>presence</c>, one entry per user.</summary>
    public static EncodedFrame PresenceAck(ReadOnlyMemory<byte> id, IReadOnlyList<UserPresence> presence)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "ack"u8);
        WriteId(writer, id);
        writer.WritePropertyName("presence"u8);
        WritePresenceArray(writer, presence);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    /// <summary>The answer to <c>subscribe</c>/<c>unsubscribe</c> with a pattern.</summary>
    public static EncodedFrame PatternAck(ReadOnlyMemory<byte> id, string pattern)
    {
        var writer = Rent();
        StartAck(writer, id, "pattern"u8, pattern);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Ack, Return(writer), MessagePriority.High);
    }

    /// <summary>REST: <c>{"room","offset","epoch","members":[…]}</c>.</summary>
    public static byte[] RoomDocument(string room, ChannelPosition position, IReadOnlyList<UserPresence> members)
    {
        var writer = Rent();
        writer.WriteStartObject();
        writer.WriteString("room"u8, room);
        writer.WriteNumber("offset"u8, position.Offset);
        writer.WriteString("epoch"u8, position.Epoch);
        writer.WritePropertyName("members"u8);
        WritePresenceArray(writer, members);
        writer.WriteEndObject();
        return Return(writer);
    }

    /// <summary>REST: one presence object, or <c>{"presence":[…]}</c> for several users.</summary>
    public static byte[] PresenceDocument(IReadOnlyList<UserPresence> presence, bool single)
    {
        var writer = Rent();
        if (single)
        {
            WritePresence(writer, presence[0]);
        }
        else
        {
            writer.WriteStartObject();
            writer.WritePropertyName("presence"u8);
            WritePresenceArray(writer, presence);
            writer.WriteEndObject();
        }

        return Return(writer);
    }

    private static void WritePresenceArray(Utf8JsonWriter writer, IReadOnlyList<UserPresence> presence)
    {
        writer.WriteStartArray();
        foreach (var entry in presence)
            WritePresence(writer, entry);
        writer.WriteEndArray();
    }

    private static void WritePresence(Utf8JsonWriter writer, UserPresence presence)
    {
        writer.WriteStartObject();
        writer.WriteString("user"u8, presence.User);
        writer.WriteString("status"u8, presence.Status.ToWire());
        if (presence.LastSeenMs > 0)
            WriteTimestamp(writer, "lastSeen"u8, presence.LastSeenMs);
        if (presence.State is { } state)
        {
            writer.WritePropertyName("state"u8);
            writer.WriteRawValue(state, skipInputValidation: true);
        }

        writer.WriteEndObject();
    }

    private static void StartAck(Utf8JsonWriter writer, ReadOnlyMemory<byte> id, ReadOnlySpan<byte> nameProperty, string name)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "ack"u8);
        WriteId(writer, id);
        writer.WriteString(nameProperty, name);
    }

    /// <summary>Copies the top-level properties of a JSON object the grains wrote (an event body) into the frame being written.</summary>
    private static void WriteObjectProperties(Utf8JsonWriter writer, ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            writer.WritePropertyName(reader.GetString()!);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            writer.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
        }
    }
}
