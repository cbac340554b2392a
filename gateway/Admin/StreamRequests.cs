using System.Runtime.InteropServices;
using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Streams;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// Parses the JSON bodies of the stream routes (already read and checked to be one JSON value) into grain arguments,
/// refusing anything malformed with a <c>bad_request</c> that names the field and what was wrong with it. Unknown
/// properties are ignored as in frames, except in a create: a stream's settings never change, so a misspelt one
/// (say <c>flushInterval</c>) must not silently become the default.
/// </summary>
internal static class StreamRequests
{
    /// <summary>Events a group read hands out when the body gives no <c>count</c>.</summary>
    public const int DefaultReadCount = 10;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = ClientFrameParser.MaxDepth };
    private static readonly string[] CreateProperties = ["name", "type", "bufferSize", "flushIntervalMs", "retention"];
    private static readonly string[] RetentionProperties = ["maxEvents", "maxAgeSeconds"];

    /// <summary><c>{"name","type","bufferSize","flushIntervalMs","retention":{"maxEvents","maxAgeSeconds"}}</c>; omitted numbers take the configured defaults.</summary>
    public static (string Name, StreamSettings Settings) ParseCreate(byte[] body, StreamOptions defaults)
    {
        using var document = Parse(body);
        var root = RequireObject(document.RootElement, "the body");
        RefuseUnknown(root, CreateProperties, string.Empty);

        var name = RequiredString(root, "name");
        if (!ChannelName.IsValid(name))
            throw ProtocolException.BadRequest($"invalid stream name '{name}'");
        var typeName = RequiredString(root, "type");
        if (!StreamTypes.TryParse(typeName, out var type))
            throw ProtocolException.BadRequest($"unknown stream type '{typeName}' ({StreamTypes.Names})");

        long? maxEvents = null, maxAgeSeconds = null;
        if (root.TryGetProperty("retention", out var retention) && retention.ValueKind != JsonValueKind.Null)
        {
            RequireObject(retention, "'retention'");
            RefuseUnknown(retention, RetentionProperties, "retention.");
            maxEvents = OptionalLong(retention, "maxEvents", "retention.maxEvents");
            maxAgeSeconds = OptionalLong(retention, "maxAgeSeconds", "retention.maxAgeSeconds");
        }

        var bufferSize = OptionalLong(root, "bufferSize", "bufferSize");
        var flushIntervalMs = OptionalLong(root, "flushIntervalMs", "flushIntervalMs");
        var settings = defaults.SettingsFor(
            type, Int(bufferSize, "bufferSize"), Int(flushIntervalMs, "flushIntervalMs"), maxEvents, maxAgeSeconds);
        try
        {
            settings.Validate();
        }
        catch (ArgumentException ex)
        {
            throw ProtocolException.BadRequest(ex.Message);
        }

        return (name, settings);
    }

    /// <summary><c>{"event","data"}</c> or a non-empty array of them; more than <paramref name="maxBatch"/> is <c>too_large</c>.</summary>
    public static List<NewStreamEvent> ParseEvents(byte[] body, int maxBatch)
    {
        using var document = Parse(body);
        var root = document.RootElement;
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                return [ParseEvent(root, "the event")];
            case JsonValueKind.Array:
                var count = root.GetArrayLength();
                if (count == 0)
                    throw ProtocolException.BadRequest("the array holds no events");
                if (count > maxBatch)
                    throw new ProtocolException(ErrorCode.TooLarge, $"{count} events in one append; at most {maxBatch} (Realtime:Streams:MaxBatch)");
                var events = new List<NewStreamEvent>(count);
                var index = 0;
                foreach (var item in root.EnumerateArray())
                    events.Add(ParseEvent(item, $"event [{index++}]"));
                return events;
            default:
                throw ProtocolException.BadRequest("the body must be an event object {\"event\",\"data\"} or an array of them");
        }
    }

    /// <summary><c>{"consumer","count","blockMs"}</c>; <c>count</c> defaults to <see cref="DefaultReadCount"/>, <c>blockMs</c> to 0.</summary>
    public static (string Consumer, int Count, int BlockMs) ParseGroupRead(byte[] body)
    {
        using var document = Parse(body);
        var root = RequireObject(document.RootElement, "the body");
        var consumer = RequiredString(root, "consumer");
        var count = Int(OptionalLong(root, "count", "count"), "count") ?? DefaultReadCount;
        if (count < 1)
            throw ProtocolException.BadRequest("'count' must be at least 1");
        var blockMs = Int(OptionalLong(root, "blockMs", "blockMs"), "blockMs") ?? 0;
        return (consumer, count, blockMs);
    }

    /// <summary><c>{"consumer","offsets":[…]}</c> with positive integer offsets.</summary>
    public static (string Consumer, long[] Offsets) ParseAck(byte[] body, int maxBatch)
    {
        using var document = Parse(body);
        var root = RequireObject(document.RootElement, "the body");
        var consumer = RequiredString(root, "consumer");
        if (!root.TryGetProperty("offsets", out var array))
            throw ProtocolException.BadRequest("'offsets' is required");
        if (array.ValueKind != JsonValueKind.Array)
            throw ProtocolException.BadRequest("'offsets' must be an array of offsets");
        if (array.GetArrayLength() > maxBatch)
            throw new ProtocolException(ErrorCode.TooLarge, $"{array.GetArrayLength()} offsets in one ack; at most {maxBatch} (Realtime:Streams:MaxBatch)");

        var offsets = new long[array.GetArrayLength()];
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var offset) || offset < 1)
                throw ProtocolException.BadRequest($"'offsets[{index}]' must be a positive integer (an event offset)");
            offsets[index++] = offset;
        }

        return (consumer, offsets);
    }

    private static NewStreamEvent ParseEvent(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw ProtocolException.BadRequest($"{what} must be an object {{\"event\",\"data\"}}");
        if (!element.TryGetProperty("event", out var name))
            throw ProtocolException.BadRequest($"{what}: 'event' is required");
        if (name.ValueKind != JsonValueKind.String)
            throw ProtocolException.BadRequest($"{what}: 'event' must be a string");
        var eventName = name.GetString()!;
        if (!ChannelName.IsValid(eventName))
            throw ProtocolException.BadRequest($"{what}: invalid event name '{eventName}'");
        if (!element.TryGetProperty("data", out var data))
            throw ProtocolException.BadRequest($"{what}: 'data' is required");
        return new NewStreamEvent(eventName, JsonMarshal.GetRawUtf8Value(data).ToArray());
    }

    internal static JsonDocument Parse(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            throw ProtocolException.BadRequest("the body is not valid JSON");
        }
    }

    internal static JsonElement RequireObject(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object ? element : throw ProtocolException.BadRequest($"{what} must be a JSON object");

    internal static void RefuseUnknown(JsonElement element, string[] known, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
                throw ProtocolException.BadRequest($"unknown property '{prefix}{property.Name}' (expected {string.Join(", ", known)})");
        }
    }

    internal static string RequiredString(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value))
            throw ProtocolException.BadRequest($"'{property}' is required");
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw ProtocolException.BadRequest($"'{property}' must be a string");
    }

    /// <summary>An optional non-negative integer (absent or null: null).</summary>
    internal static long? OptionalLong(JsonElement element, string property, string path)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            throw ProtocolException.BadRequest($"'{path}' must be an integer");
        return number < 0 ? throw ProtocolException.BadRequest($"'{path}' cannot be negative") : number;
    }

    private static int? Int(long? value, string path) =>
        value is > int.MaxValue ? throw ProtocolException.BadRequest($"'{path}' is too large") : (int?)value;
}
