using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRealtime.Streams;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>A stream's retention on the admin API.</summary>
internal sealed record RetentionResponse(long MaxEvents, long MaxAgeSeconds);

/// <summary>A stream in <c>GET /api/streams</c>.</summary>
internal sealed record StreamSummaryResponse(string Id, string Type, int BufferSize, int FlushIntervalMs, RetentionResponse Retention)
{
    public static StreamSummaryResponse From(string id, StreamSettings settings) =>
        new(id, settings.Type.ToWire(), settings.BufferSize, settings.FlushIntervalMs,
            new RetentionResponse(settings.Retention.MaxEvents, settings.Retention.MaxAgeSeconds));
}

/// <summary>The answer to <c>GET /api/streams</c>.</summary>
internal sealed record StreamListResponse(IReadOnlyList<StreamSummaryResponse> Streams);

/// <summary>
/// A stream's settings and state: the answer to create and <c>GET /api/streams/{id}</c>. <c>epoch</c> names this
/// incarnation of the stream (a stream deleted and created again has another), as in subscribe acks and event frames.
/// </summary>
internal sealed record StreamResponse(
    string Id,
    string Epoch,
    string Type,
    int BufferSize,
    int FlushIntervalMs,
    RetentionResponse Retention,
    long Length,
    long FirstOffset,
    long LastOffset,
    int Buffered,
    IReadOnlyList<GroupSummaryResponse> Groups)
{
    public static StreamResponse From(StreamDescription d)
    {
        var summary = StreamSummaryResponse.From(d.Id, d.Settings);
        return new(d.Id, d.Epoch, summary.Type, summary.BufferSize, summary.FlushIntervalMs, summary.Retention, d.Length, d.FirstOffset, d.LastOffset, d.Buffered,
            d.Groups.Select(static g => new GroupSummaryResponse(g.Name, g.LastDeliveredOffset, g.Pending, g.Consumers)).ToList());
    }
}

internal sealed record GroupSummaryResponse(string Name, long LastDeliveredOffset, long Pending, int Consumers);

/// <summary>The answer to an append: the offsets of the appended events, in request order.</summary>
internal sealed record AppendResponse(IReadOnlyList<long> Offsets);

/// <summary>An event as reads answer it; <c>data</c> is the JSON value that was appended.</summary>
internal sealed record StreamEventResponse(long Offset, string Event, RawJson Data, [property: JsonConverter(typeof(UnixMillisecondsConverter))] long Ts)
{
    public static StreamEventResponse From(StreamEvent e) => new(e.Offset, e.Event, new RawJson(e.Data), e.TimestampMs);
}

/// <summary>The answer to <c>GET /api/streams/{id}/events</c>.</summary>
internal sealed record StreamEventsResponse(string Stream, IReadOnlyList<StreamEventResponse> Events, long Next, bool More, long LastOffset);

/// <summary>An event handed out by a consumer group.</summary>
internal sealed record GroupEventResponse(
    long Offset, string Event, RawJson Data, [property: JsonConverter(typeof(UnixMillisecondsConverter))] long Ts, int DeliveryCount)
{
    public static GroupEventResponse From(GroupDelivery d) => new(d.Event.Offset, d.Event.Event, new RawJson(d.Event.Data), d.Event.TimestampMs, d.DeliveryCount);
}

/// <summary>The answer to a group read.</summary>
internal sealed record GroupReadResponse(IReadOnlyList<GroupEventResponse> Events);

/// <summary>The answer to a group ack.</summary>
internal sealed record AckResponse(int Acked);

internal sealed record PendingResponse(long Offset, string Consumer, int DeliveryCount, long IdleMs);

/// <summary>The answer to <c>GET /api/streams/{id}/groups/{group}</c>.</summary>
internal sealed record GroupResponse(string Stream, string Group, long LastDeliveredOffset, long PendingCount, IReadOnlyList<PendingResponse> Pending)
{
    public static GroupResponse From(string stream, GroupDescription g) =>
        new(stream, g.Name, g.LastDeliveredOffset, g.PendingCount,
            g.Pending.Select(static p => new PendingResponse(p.Offset, p.Consumer, p.DeliveryCount, p.IdleMs)).ToList());
}

/// <summary>UTF-8 JSON that was validated on the way in and is written back as it is.</summary>
[JsonConverter(typeof(RawJsonConverter))]
internal readonly record struct RawJson(byte[] Utf8);

internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Raw JSON is only written.");

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Utf8, skipInputValidation: true);
}

/// <summary>Writes Unix milliseconds as frames write <c>ts</c>: <c>"2026-11-23T10:00:00.000Z"</c>.</summary>
internal sealed class UnixMillisecondsConverter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUnixTimeMilliseconds();

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options)
    {
        Span<byte> buffer = stackalloc byte[32];
        DateTimeOffset.FromUnixTimeMilliseconds(value).UtcDateTime.TryFormat(buffer, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
