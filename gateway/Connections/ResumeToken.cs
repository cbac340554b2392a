using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// A self-contained resume token: every subscription of a connection with the position its client has reached,
/// as base64url JSON (<c>{"v":1,"c":[["news","e1",42],…],"s":[["analytics","e7",1001],…]}</c>: channels, then
/// durable streams; a token without <c>"s"</c> follows no stream). It holds no server state, so a client resumes with it
/// on any gateway, also after the gateway that issued it is gone. It grants nothing: resuming re-subscribes through
/// the same checks as a <c>subscribe</c> frame.
/// </summary>
internal static class ResumeToken
{
    private const int Version = 1;

    /// <summary>Tokens longer than this are refused unread (a header cannot carry more on most proxies anyway).</summary>
    public const int MaxLength = 32 * 1024;

    public static string Encode(IEnumerable<KeyValuePair<string, RecoveryPosition>> channels, IReadOnlyCollection<KeyValuePair<string, RecoveryPosition>>? streams = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Version);
            WriteEntries(writer, "c"u8, channels);
            if (streams is { Count: > 0 })
                WriteEntries(writer, "s"u8, streams);
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }

    private static void WriteEntries(Utf8JsonWriter writer, ReadOnlySpan<byte> property, IEnumerable<KeyValuePair<string, RecoveryPosition>> positions)
    {
        writer.WriteStartArray(property);
        foreach (var (name, position) in positions)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(name);
            writer.WriteStringValue(position.Epoch);
            writer.WriteNumberValue(position.Offset);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    /// <summary>Reads a token; false (with a reason) when it is not one this gateway issued in a form it understands.</summary>
    public static bool TryDecode(string token, int maxEntries, out ResumePositions positions, out string? error)
    {
        positions = ResumePositions.None;
        error = null;
        if (token.Length > MaxLength)
        {
            error = $"resume token is longer than {MaxLength} characters";
            return false;
        }

        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            error = "resume token is not base64url";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != Version
                || !root.TryGetProperty("c", out var channels) || channels.ValueKind != JsonValueKind.Array)
            {
                error = "resume token has an unknown format";
                return false;
            }

            var streams = root.TryGetProperty("s", out var s) ? s : default;
            if (streams.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined))
            {
                error = "resume token has an unknown format";
                return false;
            }

            if (channels.GetArrayLength() + (streams.ValueKind == JsonValueKind.Array ? streams.GetArrayLength() : 0) > maxEntries)
            {
                error = $"resume token names more than {maxEntries} subscriptions";
                return false;
            }

            if (!TryReadEntries(channels, positions.Channels) || (streams.ValueKind == JsonValueKind.Array && !TryReadEntries(streams, positions.Streams)))
            {
                error = "resume token has an invalid entry";
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            error = "resume token is not valid JSON";
            return false;
        }
    }

    /// <summary>Reads <c>[name, epoch, offset]</c> entries; false at the first one that is not valid.</summary>
    private static bool TryReadEntries(JsonElement entries, Dictionary<string, RecoveryPosition> positions)
    {
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 3
                || entry[0].GetString() is not { } name || !ChannelName.IsValid(name)
                || entry[1].ValueKind != JsonValueKind.String
                || !entry[2].TryGetInt64(out var offset) || offset < 0)
            {
                return false;
            }

            positions[name] = new RecoveryPosition(offset, entry[1].GetString());
        }

        return true;
    }
}

/// <summary>What a resume token names: channel subscriptions and durable-stream subscriptions, each with its position.</summary>
internal sealed record ResumePositions(Dictionary<string, RecoveryPosition> Channels, Dictionary<string, RecoveryPosition> Streams)
{
    public static ResumePositions None => new(new(StringComparer.Ordinal), new(StringComparer.Ordinal));
}
