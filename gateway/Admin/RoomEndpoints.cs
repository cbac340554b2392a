using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>REST routes over rooms: list, inspect (members with presence), send, remove a member.</summary>
internal static class RoomEndpoints
{
    public static RouteGroupBuilder MapRoomEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/rooms", ListAsync)
            .WithTags("Rooms")
            .WithName("ListRooms")
            .WithSummary("The rooms that have members")
            .WithDescription("Each room with at least one member, with its member count.")
            .Produces<RoomListResponse>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        var rooms = api.MapGroup("/rooms").WithTags("Rooms");
        rooms.MapGet("/{room}", GetAsync)
            .WithName("GetRoom")
            .WithSummary("A room's members with their presence")
            .WithDescription("room, offset and epoch of the room's log, and members: [{user, status, lastSeen, state}].")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        rooms.MapPost("/{room}/messages", SendAsync)
            .WithName("SendToRoom")
            .WithSummary("Send a message to a room")
            .WithDescription("Sends the body (one JSON value) to the room's members as a 'room' frame with event '?event=' " +
                             "(default 'message') and no sender; answers its offset and epoch in the room's log.")
            .AddOpenApiOperationTransformer(ChannelEndpoints.JsonBody)
            .Produces<PublishResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        rooms.MapDelete("/{room}/members/{user}", RemoveMemberAsync)
            .WithName("RemoveRoomMember")
            .WithSummary("Remove a member from a room")
            .WithDescription("Removes the user whatever their connections: members get a 'leave' presence event and the user's " +
                             "connections stop following the room. 404 when the user is not a member.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    /// <summary><c>{"rooms":[{"room","members"}]}</c>: the rooms that have members, with how many.</summary>
    private static async Task<IResult> ListAsync(ClusterAccess cluster)
    {
        var names = await cluster.ListRoomsAsync();
        var infos = await Task.WhenAll(names.Select(name => cluster.GetRoomAsync(name).AsTask()));
        return Results.Json(
            new RoomListResponse([.. infos.Select(info => new RoomSummaryResponse(info.Room, info.Members.Count))]),
            AdminJsonContext.Default.RoomListResponse);
    }

    private static async Task<IResult> GetAsync(string room, ClusterAccess cluster)
    {
        RequireName(room, "room name");
        var info = await cluster.GetRoomAsync(room);
        return Results.Bytes(FrameWriter.RoomDocument(info.Room, info.Position, info.Members), "application/json");
    }

    /// <summary>Sends the body (one JSON value) to the room as a server message; <c>?event=</c> names it (default <c>message</c>).</summary>
    private static async Task<IResult> SendAsync(
        string room, HttpRequest request, ClusterAccess cluster, RealtimeMetrics metrics, IOptions<LimitsOptions> limits, string? @event = null)
    {
        RequireName(room, "room name");
        var eventName = @event ?? Session.DefaultRoomEvent;
        if (eventName.Length is 0 or > ChannelName.MaxLength || InternalLogs.IsReservedEvent(eventName))
            throw ProtocolException.BadRequest($"invalid event name '{eventName}'");

        var body = await ChannelEndpoints.ReadJsonBodyAsync(request, limits.Value.MaxFrameBytes);
        var position = await cluster.SendToRoomAsync(room, new PublishRequest(body, From: null, MessagePriority.Normal, eventName));
        metrics.Published();
        return Results.Json(new PublishResponse(position.Offset, position.Epoch), AdminJsonContext.Default.PublishResponse);
    }

    /// <summary>Removes a user from the room whatever their connections; they get their own <c>leave</c> and stop following the room.</summary>
    private static async Task<IResult> RemoveMemberAsync(string room, string user, ClusterAccess cluster)
    {
        RequireName(room, "room name");
        RequireName(user, "user id");
        return await cluster.RemoveFromRoomAsync(user, room)
            ? Results.NoContent()
            : throw new ProtocolException(ErrorCode.NotFound, $"'{user}' is not a member of '{room}'");
    }

    internal static void RequireName(string name, string what)
    {
        if (!ChannelName.IsValid(name))
            throw ProtocolException.BadRequest($"invalid {what} '{name}'");
    }
}
