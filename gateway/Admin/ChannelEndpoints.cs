using Microsoft.Extensions.Options;
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
        var channels = api.MapGroup("/channels");
        channels.MapPost("/{channel}/messages", PublishAsync);
        channels.MapGet("/{channel}/messages", HistoryAsync);
        channels.MapGet("/{channel}", InfoAsync);
        return api;
    }

    /// <summary>Publishes the request body (one JSON value) as a server-side message; answers its offset and epoch.</summary>
    private static async Task<IResult> PublishAsync(
        string channel, HttpRequest request, ClusterAccess cluster, RealtimeMetrics metrics, IOptions<LimitsOptions> limits, string? priority = null)
    {
        RequireChannel(channel);
        var parsedPriority = MessagePriority.Normal;
        if (priority is not null && !ClientFrameParser.TryParsePriority(priority, out parsedPriority))
            throw ProtocolException.BadRequest($"unknown priority '{priority}' (low, normal, high)");

        var body = await RequestBody.ReadJsonValueAsync(request, limits.Value.MaxFrameBytes);
        var position = await cluster.PublishAsync(channel, new PublishRequest(body, From: null, parsedPriority));
        metrics.Published();
        return Results.Json(new PublishResponse(position.Offset, position.Epoch), AdminJsonContext.Default.PublishResponse);
    }

    /// <summary>History after <c>since</c> (exclusive), oldest first; the same object as a <c>history</c> ack without type and id.</summary>
    private static async Task<IResult> HistoryAsync(string channel, HttpRequest request, ClusterAccess cluster)
    {
        RequireChannel(channel);
        var since = ParseQueryNumber(request, "since", 0L);
        var limit = ParseQueryNumber(request, "limit", Session.DefaultHistoryLimit);
        var epoch = request.Query["epoch"].ToString() is { Length: > 0 } e ? e : null;
        if (limit > int.MaxValue)
            throw ProtocolException.BadRequest("'limit' is too large");

        var page = await cluster.ReadHistoryAsync(channel, new HistoryQuery(since, epoch, (int)limit));
        return Results.Bytes(FrameWriter.HistoryDocument(channel, page), "application/json");
    }

    private static async Task<IResult> InfoAsync(string channel, ClusterAccess cluster)
    {
        RequireChannel(channel);
        var info = await cluster.GetInfoAsync(channel);
        return Results.Json(
            new ChannelResponse(info.Channel, info.Epoch, info.Offset, info.HistoryLength, info.Subscribers, info.Published),
            AdminJsonContext.Default.ChannelResponse);
    }

    private static void RequireChannel(string channel)
    {
        if (!ChannelName.IsValid(channel))
            throw ProtocolException.BadRequest($"invalid channel name '{channel}'");
    }

    private static long ParseQueryNumber(HttpRequest request, string name, long fallback)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
            return fallback;
        if (!long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            throw ProtocolException.BadRequest($"'{name}' must be a non-negative integer");
        return value;
    }
}
