using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary><c>GET /api/channels</c>: the channels of the channel directory, paged by name, each with its state.</summary>
internal static class ChannelListEndpoints
{
    public static RouteGroupBuilder MapChannelListEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/channels", ListAsync)
            .WithName("ListChannels")
            .WithTags("Channels")
            .WithSummary("The channels of the cluster")
            .WithDescription($"Every channel that has been active (registered when its grain activates), ordered by name, at most 'limit' " +
                             $"(default {PageQuery.DefaultLimit}, at most {PageQuery.MaxLimit}) with a name after 'after'; 'next' is the cursor of the following " +
                             "page (null on the last one). Each entry is the channel's state as GET /api/channels/{channel} answers it.")
            .Produces<ChannelListResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> ListAsync(ClusterAccess cluster, string? limit = null, string? after = null)
    {
        (var pageSize, after) = PageQuery.Parse(limit, after);
        var names = await cluster.ListChannelNamesAsync(after, pageSize);
        var infos = await Task.WhenAll(names.Select(name => cluster.GetInfoAsync(name).AsTask()));
        var channels = infos
            .Select(ChannelResponse.From)
            .ToList();
        var next = names.Count == pageSize ? names[^1] : null;
        return Results.Json(new ChannelListResponse(channels, next), AdminJsonContext.Default.ChannelListResponse);
    }
}
