using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// A self-contained resume token: every subscription of a connection with the position its client has reached,
/// as base64url JSON (<c>{"v":1,"c":[["news","e1",42],["alerts","e2",7,{"level":"high"}],…],"s":[["analytics","e7",1001],…]}</c>:
/// channels, with their filter when they have one, then durable streams; a token without <c>"s"</c> follows no stream). It holds no server state, so a client resumes with it
/// on any gateway, also after the gateway that issued it is gone. It grants nothing: resuming re-subscribes through
/// the same checks as a <c>subscribe</c> frame.
/// </summary>
internal static class ResumeToken
{
    private const int Version = 1;

    /// <summary>Tokens longer than this are refused unread (a header cannot carry more on most proxies anyway).</summary>
    public const int MaxLength = 32 * 1024;

    /// <param name="filters">The filters (compact JSON objects) of the channels that have one, by channel.</param>
    public static string Encode(
        IEnumerable<KeyValuePair<string, RecoveryPosition>> channels,
        IReadOnlyCollection<KeyValuePair<string, RecoveryPosition>>? streams = null,
        IReadOnlyDictionary<string, string>? filters = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Version);
            WriteEntries(writer, "c"u8, channels, filters);
            if (streams is { Count: > 0 })
                WriteEntries(writer, "s"u8, streams, filters: null);
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }

    private static void WriteEntries(
        Utf8JsonWriter writer, ReadOnlySpan<byte> property, IEnumerable<KeyValuePair<string, RecoveryPosition>> positions, IReadOnlyDictionary<string, string>? filters)
    {
        writer.WriteStartArray(property);
        foreach (var (name, position) in positions)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(name);
            writer.WriteStringValue(position.Epoch);
            writer.WriteNumberValue(position.Offset);
            if (filters is not null && filters.TryGetValue(name, out var filter))
                writer.WriteRawValue(filter);
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

            if (!TryReadEntries(channels, positions.Channels, positions.Filters)
                || (streams.ValueKind == JsonValueKind.Array && !TryReadEntries(streams, positions.Streams, filters: null)))
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

    /// <summary>
    /// Reads <c>[name, epoch, offset]</c> entries, and <c>[name, epoch, offset, filter]</c> ones where
    /// <paramref name="filters"/> takes filters (raw JSON objects, checked when the subscription is made again); false at
    /// the first entry that is not valid.
    /// </summary>
    private static bool TryReadEntries(JsonElement entries, Dictionary<string, RecoveryPosition> positions, Dictionary<string, string>? filters)
    {
        foreach (var entry in entries.EnumerateArray())
        {
            var length = entry.ValueKind == JsonValueKind.Array ? entry.GetArrayLength() : 0;
            if (!(length == 3 || (length == 4 && filters is not null))
                || entry[0].GetString() is not { } name || !ChannelName.IsValid(name)
                || entry[1].ValueKind != JsonValueKind.String
                || !entry[2].TryGetInt64(out var offset) || offset < 0
                || (length == 4 && entry[3].ValueKind != JsonValueKind.Object))
            {
                return false;
            }

            positions[name] = new RecoveryPosition(offset, entry[1].GetString());
            if (length == 4)
                filters![name] = entry[3].GetRawText();
        }

        return true;
    }
}

/// <summary>
/// What a resume token names: channel subscriptions and durable-stream subscriptions, each with its position, and the
/// filters of the channel subscriptions that have one.
/// </summary>
internal sealed record ResumePositions(
    Dictionary<string, RecoveryPosition> Channels, Dictionary<string, RecoveryPosition> Streams, Dictionary<string, string> Filters)
{
    public static ResumePositions None => new(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
}
