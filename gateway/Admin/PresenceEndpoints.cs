using Microsoft.AspNetCore.OpenApi;
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
        api.MapGet("/presence", GetManyAsync)
            .WithTags("Presence")
            .WithName("GetPresenceOfUsers")
            .WithSummary("Presence of several users")
            .WithDescription("?users=a,b (at most 100) → {presence: [{user, status, lastSeen, state}]}.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/presence/{user}", GetOneAsync)
            .WithTags("Presence")
            .WithName("GetPresence")
            .WithSummary("Presence of a user")
            .WithDescription("{user, status (online, away, busy, offline), lastSeen, state}.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapPost("/{user}/messages", SendDirectAsync)
            .WithName("SendDirect")
            .WithSummary("Send a direct message to a user")
            .WithDescription("The body (one JSON value) reaches every connection of the user live, or waits in their inbox " +
                             "(bounded, with a TTL) for their next connection; answers its offset and whether they were online.")
            .AddOpenApiOperationTransformer(ChannelEndpoints.JsonBody)
            .Produces<DirectResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        users.MapGet("/{user}/inbox", InboxAsync)
            .WithName("GetInbox")
            .WithSummary("A user's inbox")
            .WithDescription("Messages waiting for the user's next connection, and messages dropped so far (bound, TTL, history).")
            .Produces<InboxResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
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
        var body = await ChannelEndpoints.ReadJsonBodyAsync(request, limits.Value.MaxFrameBytes);
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
