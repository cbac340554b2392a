using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OrleansRealtime.Presence;

/// <summary>
/// The JSON bodies of presence events in internal logs. The gateway copies their properties into <c>presence</c>
/// frames as they are, so this is the wire shape: <c>{"user","status","lastSeen","state"}</c>.
/// </summary>
internal static class PresenceJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"user":…}</c>: the body of a room's <c>$join</c> and <c>$leave</c> events.</summary>
    public static byte[] Member(string user) => Write(writer => writer.WriteString("user"u8, user));

    public static byte[] Presence(UserPresence presence) => Write(writer =>
    {
        writer.WriteString("user"u8, presence.User);
        writer.WriteString("status"u8, presence.Status.ToWire());
        if (presence.LastSeenMs > 0)
        {
            writer.WriteString("lastSeen"u8, DateTimeOffset.FromUnixTimeMilliseconds(presence.LastSeenMs).UtcDateTime
                .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }

        if (presence.State is { } state)
        {
            writer.WritePropertyName("state"u8);
            writer.WriteRawValue(state, skipInputValidation: true);
        }
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
