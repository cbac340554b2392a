using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>REST routes over channels: publish, read history, inspect state.</summary>
internal static class ChannelEndpoints
{
    public static RouteGroupBuilder MapChannelEndpoints(this RouteGroupBuilder api)
    {
        var channels = api.MapGroup("/channels").WithTags("Channels");
        channels.MapPost("/{channel}/messages", PublishAsync)
            .WithName("PublishMessage")
            .WithSummary("Publish a message")
            .WithDescription("Publishes the request body (one JSON value, at most Realtime:Limits:MaxFrameBytes) as a server-side message " +
                             "with the given priority (low, normal, high); answers the offset and epoch it got once history holds it.")
            .AddOpenApiOperationTransformer(JsonBody)
            .Produces<PublishResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        channels.MapGet("/{channel}/messages", HistoryAsync)
            .WithName("ReadHistory")
            .WithSummary("Read a channel's history")
            .WithDescription("The messages after offset 'since' (exclusive; default 0), oldest first, at most 'limit' (default 100). " +
                             "A 'since' from another epoch reads from the start of the current history. The answer is the history ack " +
                             "frame without type and id: channel, epoch, offset (top), messages and more.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        channels.MapGet("/{channel}", InfoAsync)
            .WithName("GetChannel")
            .WithSummary("A channel's state")
            .WithDescription($"Offset, epoch, history length, messages published since the channel's grain activated, subscribers per gateway, and " +
                             $"'rates': messages published per second over the last {ChannelInfo.RateWindowSeconds} s.")
            .Produces<ChannelResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    /// <summary>Documents the raw body (read by hand, so no content type restricts the route): any one JSON value.</summary>
    internal static Task JsonBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken) =>
        DescribeJsonBody(operation, "The message data: one JSON value.");

    /// <summary>Documents a raw JSON body read by hand, described in words.</summary>
    internal static Task DescribeJsonBody(OpenApiOperation operation, string description)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema() } },
        };
        return Task.CompletedTask;
    }

    /// <summary>Publishes the request body (one JSON value) as a server-side message; answers its offset and epoch.</summary>
    private static async Task<IResult> PublishAsync(
        string channel, HttpRequest request, ClusterAccess cluster, RealtimeMetrics metrics, IOptions<LimitsOptions> limits, string? priority = null)
    {
        RequireChannel(channel);
        var parsedPriority = MessagePriority.Normal;
        if (priority is not null && !ClientFrameParser.TryParsePriority(priority, out parsedPriority))
            throw ProtocolException.BadRequest($"unknown priority '{priority}' (low, normal, high)");

        var body = await ReadJsonBodyAsync(request, limits.Value.MaxFrameBytes);
        var position = await cluster.PublishAsync(channel, new PublishRequest(body, From: null, parsedPriority), RealtimeActivities.ViaRest);
        metrics.Published();
        return Results.Json(new PublishResponse(position.Offset, position.Epoch), AdminJsonContext.Default.PublishResponse);
    }

    /// <summary>History after <c>since</c> (exclusive), oldest first; the same object as a <c>history</c> ack without type and id.</summary>
    /// <remarks>The query values bind as strings, so a malformed number is this API's <c>bad_request</c> problem.</remarks>
    private static async Task<IResult> HistoryAsync(string channel, ClusterAccess cluster, string? since = null, string? epoch = null, string? limit = null)
    {
        RequireChannel(channel);
        var sinceOffset = ParseQueryNumber(since, nameof(since), 0L);
        var maxCount = ParseQueryNumber(limit, nameof(limit), Session.DefaultHistoryLimit);
        if (string.IsNullOrEmpty(epoch))
            epoch = null;
        if (maxCount > int.MaxValue)
            throw ProtocolException.BadRequest("'limit' is too large");

        var page = await cluster.ReadHistoryAsync(channel, new HistoryQuery(sinceOffset, epoch, (int)maxCount));
        return Results.Bytes(FrameWriter.HistoryDocument(channel, page), "application/json");
    }

    private static async Task<IResult> InfoAsync(string channel, ClusterAccess cluster)
    {
        RequireChannel(channel);
        var info = await cluster.GetInfoAsync(channel);
        return Results.Json(ChannelResponse.From(info), AdminJsonContext.Default.ChannelResponse);
    }

    private static void RequireChannel(string channel)
    {
        if (!ChannelName.IsValid(channel))
            throw ProtocolException.BadRequest($"invalid channel name '{channel}'");
    }

    internal static long ParseQueryNumber(HttpRequest request, string name, long fallback) =>
        ParseQueryNumber(request.Query[name].ToString() is { Length: > 0 } raw ? raw : null, name, fallback);

    internal static long ParseQueryNumber(string? raw, string name, long fallback)
    {
        if (string.IsNullOrEmpty(raw))
            return fallback;
        if (!long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            throw ProtocolException.BadRequest($"'{name}' must be a non-negative integer");
        return value;
    }

    /// <summary>Reads a body of at most <paramref name="maxBytes"/> that must be exactly one JSON value.</summary>
    internal static async Task<byte[]> ReadJsonBodyAsync(HttpRequest request, int maxBytes)
    {
        var body = await RequestBody.ReadAsync(request, maxBytes);
        if (!IsSingleJsonValue(body.Span))
            throw ProtocolException.BadRequest("the body must be one JSON value (the message data)");
        return body.ToArray();
    }

    private static bool IsSingleJsonValue(ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            return false;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = ClientFrameParser.MaxDepth });
            if (!reader.Read())
                return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
