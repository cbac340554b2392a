using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Protocol;

/// <summary>
/// Parses client frames with <see cref="Utf8JsonReader"/> straight from the received bytes. A frame is one JSON
/// object; a JSON array of objects is a batch. Unknown properties are ignored (forward compatibility); a known
/// property with the wrong JSON type is recorded as the frame's <see cref="ClientFrame.Error"/> while parsing
/// continues, so the answer can still echo the frame's <c>id</c>. Only malformed JSON loses the id.
/// </summary>
internal static partial class ClientFrameParser
{
    /// <summary>Nesting allowed inside a frame (including <c>data</c>); deeper input is refused as malformed.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>
    /// Parses one frame or a batch. Returns false with <paramref name="error"/> when the input as a whole is
    /// unreadable (not UTF-8, malformed JSON, neither object nor array); such an error carries no id.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> utf8, List<ClientFrame> frames, out string? error)
    {
        error = null;
        if (!Utf8.IsValid(utf8.Span))
        {
            error = "frame is not valid UTF-8";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8.Span, ReaderOptions);
            if (!reader.Read())
            {
                error = "empty frame";
                return false;
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var frame = ParseObject(ref reader, utf8);
                    EnsureEnd(ref reader);
                    frames.Add(frame);
                    return true;
                case JsonTokenType.StartArray:
                    var start = frames.Count;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            reader.Skip();
                            frames.Add(new ClientFrame { Error = "each frame of a batch must be a JSON object" });
                            continue;
                        }

                        frames.Add(ParseObject(ref reader, utf8));
                    }

                    EnsureEnd(ref reader);
                    if (frames.Count == start)
                    {
                        error = "empty batch";
                        return false;
                    }

                    return true;
                default:
                    error = "a frame must be a JSON object (or an array of them)";
                    return false;
            }
        }
        catch (JsonException ex)
        {
            error = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"malformed JSON: nesting deeper than {MaxDepth} levels"
                : "malformed JSON";
            return false;
        }
    }

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        // Anything after the top-level value (another value, garbage) makes the frame malformed.
        if (reader.Read())
            throw new JsonException("trailing data after the frame");
    }

    private static ClientFrame ParseObject(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        var frame = new ClientFrame();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            // Property name; the value follows. Escaped names are legal JSON but unusual: unescape them (before
            // moving to the value) rather than compare escaped bytes.
            var name = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
            reader.Read();
            ReadProperty(ref reader, name, frame, source);
        }

        if (frame.Type == ClientFrameType.Unknown && frame.Error is null)
            frame.Error = frame.TypeName is null ? "missing field 'type'" : $"unknown frame type '{frame.TypeName}'";
        return frame;
    }

    private static void ReadProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ClientFrame frame, ReadOnlyMemory<byte> source)
    {
        if (name.SequenceEqual("type"u8))
        {
            if (ExpectString(ref reader, frame, "type") is { } type)
            {
                frame.TypeName = type;
                frame.Type = ParseType(type);
            }
        }
        else if (name.SequenceEqual("id"u8))
        {
            if (reader.TokenType is JsonTokenType.Number or JsonTokenType.String)
                frame.Id = Slice(ref reader, source);
            else
                Fail(ref reader, frame, "'id' must be a number or a string");
        }
        else if (name.SequenceEqual("channel"u8))
        {
            frame.Channel = ExpectString(ref reader, frame, "channel");
        }
        else if (name.SequenceEqual("pattern"u8))
        {
            frame.Pattern = ExpectString(ref reader, frame, "pattern");
        }
        else if (name.SequenceEqual("stream"u8))
        {
            frame.Stream = ExpectString(ref reader, frame, "stream");
        }
        else if (name.SequenceEqual("room"u8))
        {
            frame.Room = ExpectString(ref reader, frame, "room");
        }
        else if (name.SequenceEqual("data"u8))
        {
            frame.HasData = true;
            frame.Data = Slice(ref reader, source);
        }
        else if (name.SequenceEqual("filter"u8))
        {
            if (reader.TokenType == JsonTokenType.StartObject)
                frame.Filter = Slice(ref reader, source);
            else
                Fail(ref reader, frame, "'filter' must be an object");
        }
        else if (name.SequenceEqual("since"u8))
        {
            ReadSince(ref reader, frame);
        }
        else if (name.SequenceEqual("priority"u8))
        {
            if (ExpectString(ref reader, frame, "priority") is { } priority)
            {
                if (TryParsePriority(priority, out var parsed))
                    frame.Priority = parsed;
                else
                    frame.Error ??= $"unknown priority '{priority}' (low, normal, high)";
            }
        }
        else if (name.SequenceEqual("token"u8))
        {
            frame.Token = ExpectString(ref reader, frame, "token");
        }
        else if (name.SequenceEqual("limit"u8))
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var limit) && limit >= 0)
                frame.Limit = limit;
            else
                Fail(ref reader, frame, "'limit' must be a non-negative integer");
        }
        else if (!ReadRoomsAndPresenceProperty(ref reader, name, frame, source))
        {
            // Unknown property: ignored, so newer clients can talk to older gateways.
            reader.Skip();
        }
    }

    private static void ReadSince(ref Utf8JsonReader reader, ClientFrame frame)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            Fail(ref reader, frame, "'since' must be an object {\"offset\":N,\"epoch\":\"…\"}");
            return;
        }

        var hasOffset = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isOffset = reader.ValueTextEquals("offset"u8);
            var isEpoch = reader.ValueTextEquals("epoch"u8);
            reader.Read();
            if (isOffset)
            {
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var offset) && offset >= 0)
                {
                    frame.SinceOffset = offset;
                    hasOffset = true;
                }
                else
                {
                    Fail(ref reader, frame, "'since.offset' must be a non-negative integer");
                }
            }
            else if (isEpoch)
            {
                frame.SinceEpoch = ExpectString(ref reader, frame, "since.epoch");
            }
            else
            {
                reader.Skip();
            }
        }

        if (hasOffset)
            frame.HasSince = true;
        else
            frame.Error ??= "'since' needs an 'offset'";
    }

    private static string? ExpectString(ref Utf8JsonReader reader, ClientFrame frame, string field)
    {
        if (reader.TokenType == JsonTokenType.String)
            return reader.GetString();
        Fail(ref reader, frame, $"'{field}' must be a string");
        return null;
    }

    private static void Fail(ref Utf8JsonReader reader, ClientFrame frame, string message)
    {
        frame.Error ??= message;
        reader.Skip();
    }

    private static ReadOnlyMemory<byte> Slice(ref Utf8JsonReader reader, ReadOnlyMemory<byte> source)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var end = (int)reader.BytesConsumed;
        return source[start..end];
    }

    public static bool TryParsePriority(string value, out MessagePriority priority)
    {
        switch (value)
        {
            case "normal":
                priority = MessagePriority.Normal;
                return true;
            case "low":
                priority = MessagePriority.Low;
                return true;
            case "high":
                priority = MessagePriority.High;
                return true;
            default:
                priority = MessagePriority.Normal;
                return false;
        }
    }

    private static ClientFrameType ParseType(string type) => type switch
    {
        "subscribe" => ClientFrameType.Subscribe,
        "unsubscribe" => ClientFrameType.Unsubscribe,
        "publish" => ClientFrameType.Publish,
        "history" => ClientFrameType.History,
        "ping" => ClientFrameType.Ping,
        "pong" => ClientFrameType.Pong,
        "join" => ClientFrameType.Join,
        "leave" => ClientFrameType.Leave,
        "room.send" => ClientFrameType.RoomSend,
        "direct" => ClientFrameType.Direct,
        "presence.set" => ClientFrameType.PresenceSet,
        "presence.get" => ClientFrameType.PresenceGet,
        "auth" => ClientFrameType.Auth,
        _ => ClientFrameType.Unknown,
    };
}
