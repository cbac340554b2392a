using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>REST routes over users: presence of one or several, direct messages from the server, the inbox.</summary>
internal static class PresenceEndpoints
{
    public static RouteGroupBuilder MapPresenceEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/presence", GetManyAsync);
        api.MapGet("/presence/{user}", GetOneAsync);
        api.MapPost("/users/{user}/messages", SendDirectAsync);
        api.MapGet("/users/{user}/inbox", InboxAsync);
        return api;
    }

    private static async Task<IResult> GetOneAsync(string user, ClusterAccess cluster)
    {
        RoomEndpoints.RequireName(user, "user id");
        return Results.Bytes(FrameWriter.PresenceDocument(await cluster.GetPresenceAsync([user]), single: true), "application/json");
    }

    /// <summary><c>?users=a,b</c> → <c>{"presence":[…]}</c>.</summary>
    private static async Task<IResult> GetManyAsync(ClusterAccess cluster, string? users = null)
    {
        var names = (users ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
            throw ProtocolException.BadRequest("'users' must name at least one user (?users=a,b)");
        if (names.Length > ClientFrameParser.MaxPresenceUsers)
            throw ProtocolException.BadRequest($"'users' names at most {ClientFrameParser.MaxPresenceUsers} users");
        foreach (var name in names)
            RoomEndpoints.RequireName(name, "user id");

        return Results.Bytes(FrameWriter.PresenceDocument(await cluster.GetPresenceAsync(names), single: false), "application/json");
    }

    /// <summary>A direct message from the server (the body is the data): live to the user's connections, or into their inbox.</summary>
    private static async Task<IResult> SendDirectAsync(
        string user, HttpRequest request, ClusterAccess cluster, RealtimeMetrics metrics, IOptions<LimitsOptions> limits)
    {
        RoomEndpoints.RequireName(user, "user id");
        var body = await RequestBody.ReadJsonValueAsync(request, limits.Value.MaxFrameBytes);
        var receipt = await cluster.SendDirectAsync(user, body, from: null);
        metrics.Published();
        return Results.Json(new DirectResponse(receipt.Offset, receipt.Online), AdminJsonContext.Default.DirectResponse);
    }

    private static async Task<IResult> InboxAsync(string user, ClusterAccess cluster)
    {
        RoomEndpoints.RequireName(user, "user id");
        var inbox = await cluster.GetInboxAsync(user);
        return Results.Json(new InboxResponse(inbox.Pending, inbox.Dropped), AdminJsonContext.Default.InboxResponse);
    }
}
