using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// A self-contained resume token: every channel subscription of a connection with the position its client has reached
/// and its filter, if any, as base64url JSON (<c>{"v":1,"c":[["news","e1",42],["alerts","e2",7,{"level":"high"}],…]}</c>). It holds no server state, so a client resumes with it
/// on any gateway, also after the gateway that issued it is gone. It grants nothing: resuming re-subscribes through
/// the same checks as a <c>subscribe</c> frame.
/// </summary>
internal static class ResumeToken
{
    private const int Version = 1;

    /// <summary>Tokens longer than this are refused unread (a header cannot carry more on most proxies anyway).</summary>
    public const int MaxLength = 32 * 1024;

    public static string Encode(IEnumerable<(string Channel, RecoveryPosition Position, string? Filter)> subscriptions)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Version);
            writer.WriteStartArray("c"u8);
            foreach (var (channel, position, filter) in subscriptions)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(channel);
                writer.WriteStringValue(position.Epoch);
                writer.WriteNumberValue(position.Offset);
                if (filter is not null)
                    writer.WriteRawValue(filter);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads a token into positions and filters (raw JSON objects, checked when the subscription is made again) by
    /// channel; false (with a reason) when it is not one this gateway issued in a form it understands.
    /// </summary>
    public static bool TryDecode(
        string token, int maxEntries, out Dictionary<string, RecoveryPosition> positions, out Dictionary<string, string> filters, out string? error)
    {
        positions = new Dictionary<string, RecoveryPosition>(StringComparer.Ordinal);
        filters = new Dictionary<string, string>(StringComparer.Ordinal);
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

            if (channels.GetArrayLength() > maxEntries)
            {
                error = $"resume token names more than {maxEntries} subscriptions";
                return false;
            }

            foreach (var entry in channels.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() is not (3 or 4)
                    || entry[0].GetString() is not { } channel || !ChannelName.IsValid(channel)
                    || entry[1].ValueKind != JsonValueKind.String
                    || !entry[2].TryGetInt64(out var offset) || offset < 0
                    || (entry.GetArrayLength() == 4 && entry[3].ValueKind != JsonValueKind.Object))
                {
                    error = "resume token has an invalid entry";
                    return false;
                }

                positions[channel] = new RecoveryPosition(offset, entry[1].GetString());
                if (entry.GetArrayLength() == 4)
                    filters[channel] = entry[3].GetRawText();
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            error = "resume token is not valid JSON";
            return false;
        }
    }
}
