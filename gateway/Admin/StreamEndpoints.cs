using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Streams;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// REST routes over durable streams and their consumer groups (docs/protocol.md, "Durable streams"). A create that
/// finds the stream with the same settings answers 200 with it (201 when it created it), so clients may create on
/// every start; other settings answer 409 with code <c>bad_request</c>, as settings never change.
/// </summary>
internal static class StreamEndpoints
{
    /// <summary>Events a read answers when the query gives no <c>limit</c>.</summary>
    public const int DefaultReadLimit = 100;

    public static RouteGroupBuilder MapStreamEndpoints(this RouteGroupBuilder api)
    {
        var streams = api.MapGroup(string.Empty).WithTags("Streams");
        streams.MapPost("/streams", CreateAsync)
            .WithName("CreateStream").WithSummary("Create a durable stream")
            .WithDescription("Body: {name, type (event|data|log|metrics|video|audio), bufferSize, flushIntervalMs, retention {maxEvents, maxAgeSeconds}}. " +
                             "201 when created, 200 when it exists with the same settings, 409 when its settings differ.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        streams.MapGet("/streams", ListAsync)
            .WithName("ListStreams").WithSummary("List the durable streams");
        streams.MapGet("/streams/{id}", DescribeAsync)
            .WithName("GetStream").WithSummary("A stream's settings, length, offsets and groups")
            .ProducesProblem(StatusCodes.Status404NotFound);
        streams.MapDelete("/streams/{id}", DeleteAsync)
            .WithName("DeleteStream").WithSummary("Delete a stream with its events and groups")
            .ProducesProblem(StatusCodes.Status404NotFound);
        streams.MapPost("/streams/{id}/events", AppendAsync)
            .WithName("AppendEvents").WithSummary("Append one event or a batch")
            .WithDescription("Body: {event, data} or an array of them; answers {offsets} once the events are durable.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        streams.MapGet("/streams/{id}/events", ReadAsync)
            .WithName("ReadEvents").WithSummary("Read events from an offset (inclusive)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        streams.MapPost("/streams/{id}/groups/{group}/read", ReadGroupAsync)
            .WithName("ReadGroup").WithSummary("Read events for one consumer of a group (at-least-once)")
            .WithDescription("Body: {consumer, count, blockMs}. Unacknowledged events come back after Realtime:Streams:AckTimeoutMs with deliveryCount + 1.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        streams.MapPost("/streams/{id}/groups/{group}/ack", AckAsync)
            .WithName("AckGroup").WithSummary("Acknowledge events of a group")
            .WithDescription("Body: {consumer, offsets}; answers {acked}.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        streams.MapGet("/streams/{id}/groups/{group}", DescribeGroupAsync)
            .WithName("GetGroup").WithSummary("A consumer group's position and pending list")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, ClusterAccess cluster, IOptions<LimitsOptions> limits, IOptions<StreamOptions> options)
    {
        var body = await ChannelEndpoints.ReadJsonBodyAsync(request, limits.Value.MaxFrameBytes);
        var (name, settings) = StreamRequests.ParseCreate(body, options.Value);
        var creation = await cluster.CreateStreamAsync(name, settings);
        var stream = StreamResponse.From(creation.Stream);
        switch (creation.Outcome)
        {
            case StreamCreationOutcome.Created:
                request.HttpContext.Response.Headers.Location = $"/api/streams/{Uri.EscapeDataString(name)}";
                return Results.Json(stream, AdminJsonContext.Default.StreamResponse, statusCode: StatusCodes.Status201Created);
            case StreamCreationOutcome.Existed:
                return Results.Json(stream, AdminJsonContext.Default.StreamResponse);
            default:
                return Problems.For(
                    ErrorCode.BadRequest,
                    $"stream '{name}' already exists with other settings (type {stream.Type}, bufferSize {stream.BufferSize}, flushIntervalMs {stream.FlushIntervalMs}, retention maxEvents {stream.Retention.MaxEvents}, maxAgeSeconds {stream.Retention.MaxAgeSeconds}); delete it first to change them",
                    StatusCodes.Status409Conflict);
        }
    }

    private static async Task<IResult> ListAsync(ClusterAccess cluster)
    {
        var streams = await cluster.ListStreamsAsync();
        return Results.Json(
            new StreamListResponse(streams.Select(static s => StreamSummaryResponse.From(s.Id, s.Settings)).ToList()),
            AdminJsonContext.Default.StreamListResponse);
    }

    private static async Task<IResult> DescribeAsync(string id, ClusterAccess cluster)
    {
        RequireStream(id);
        var stream = await cluster.DescribeStreamAsync(id);
        return Results.Json(StreamResponse.From(stream), AdminJsonContext.Default.StreamResponse);
    }

    private static async Task<IResult> DeleteAsync(string id, ClusterAccess cluster)
    {
        RequireStream(id);
        return await cluster.DeleteStreamAsync(id)
            ? Results.NoContent()
            : throw new ProtocolException(ErrorCode.NotFound, $"stream '{id}' does not exist");
    }

    /// <summary>Answers once the events are durable, with their offsets in request order.</summary>
    private static async Task<IResult> AppendAsync(
        string id, HttpRequest request, ClusterAccess cluster, IOptions<LimitsOptions> limits, IOptions<StreamOptions> options)
    {
        RequireStream(id);
        var body = await ChannelEndpoints.ReadJsonBodyAsync(request, limits.Value.MaxFrameBytes);
        var events = StreamRequests.ParseEvents(body, options.Value.MaxBatch);
        var first = await cluster.AppendAsync(id, events);
        var offsets = new long[events.Count];
        for (var i = 0; i < offsets.Length; i++)
            offsets[i] = first + i;
        return Results.Json(new AppendResponse(offsets), AdminJsonContext.Default.AppendResponse);
    }

    /// <summary>Events from <c>from</c> (inclusive; 0 or absent: the oldest retained), at most <c>limit</c>, oldest first.</summary>
    private static async Task<IResult> ReadAsync(string id, HttpRequest request, ClusterAccess cluster)
    {
        RequireStream(id);
        var from = ChannelEndpoints.ParseQueryNumber(request, "from", 0L);
        var limit = ChannelEndpoints.ParseQueryNumber(request, "limit", DefaultReadLimit);
        var page = await cluster.ReadStreamAsync(id, from, (int)Math.Min(limit, int.MaxValue));
        return Results.Json(
            new StreamEventsResponse(id, page.Events.Select(StreamEventResponse.From).ToList(), page.Next, page.More, page.LastOffset),
            AdminJsonContext.Default.StreamEventsResponse);
    }

    private static async Task<IResult> ReadGroupAsync(
        string id, string group, HttpRequest request, ClusterAccess cluster, IOptions<LimitsOptions> limits)
    {
        RequireStream(id);
        var body = await ChannelEndpoints.ReadJsonBodyAsync(request, limits.Value.MaxFrameBytes);
        var (consumer, count, blockMs) = StreamRequests.ParseGroupRead(body);
        var deliveries = await cluster.ReadGroupAsync(id, group, consumer, count, blockMs);
        return Results.Json(new GroupReadResponse(deliveries.Select(GroupEventResponse.From).ToList()), AdminJsonContext.Default.GroupReadResponse);
    }

    private static async Task<IResult> AckAsync(
        string id, string group, HttpRequest request, ClusterAccess cluster, IOptions<LimitsOptions> limits, IOptions<StreamOptions> options)
    {
        RequireStream(id);
        var body = await ChannelEndpoints.ReadJsonBodyAsync(request, limits.Value.MaxFrameBytes);
        var (consumer, offsets) = StreamRequests.ParseAck(body, options.Value.MaxBatch);
        var acked = await cluster.AckAsync(id, group, consumer, offsets);
        return Results.Json(new AckResponse(acked), AdminJsonContext.Default.AckResponse);
    }

    private static async Task<IResult> DescribeGroupAsync(string id, string group, ClusterAccess cluster)
    {
        RequireStream(id);
        var description = await cluster.DescribeGroupAsync(id, group);
        return Results.Json(GroupResponse.From(id, description), AdminJsonContext.Default.GroupResponse);
    }

    private static void RequireStream(string id)
    {
        if (!ChannelName.IsValid(id))
            throw ProtocolException.BadRequest($"invalid stream id '{id}'");
    }
}
