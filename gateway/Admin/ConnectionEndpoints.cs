using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>REST routes over this gateway's connections: inspect one, close one.</summary>
internal static class ConnectionEndpoints
{
    public static RouteGroupBuilder MapConnectionEndpoints(this RouteGroupBuilder api)
    {
        var connections = api.MapGroup("/connections").WithTags("Connections");
        connections.MapGet("/{connectionId}", Get)
            .WithName("GetConnection")
            .WithSummary("A connection of this gateway")
            .WithDescription("Its user, transport, channels, and the frames and bytes waiting in its send queue.")
            .Produces<ConnectionResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        connections.MapDelete("/{connectionId}", Close)
            .WithName("CloseConnection")
            .WithSummary("Close a connection of this gateway")
            .WithDescription("The client gets a 'close' frame with code 'closed_by_admin', then its transport ends.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static IResult Get(string connectionId, SessionRegistry sessions, SessionServices services)
    {
        var session = Find(sessions, connectionId);
        return Results.Json(
            new ConnectionResponse(
                session.ConnectionId,
                session.UserId,
                session.Transport,
                services.Gateway.GatewayId,
                session.Channels(),
                session.Outbound.Count,
                session.Outbound.Bytes),
            AdminJsonContext.Default.ConnectionResponse);
    }

    /// <summary>Closes the connection: its client gets a <c>close</c> frame with <c>closed_by_admin</c>, then the transport ends.</summary>
    private static IResult Close(string connectionId, SessionRegistry sessions)
    {
        Find(sessions, connectionId).Close(CloseReason.ClosedByAdmin);
        return Results.NoContent();
    }

    private static Session Find(SessionRegistry sessions, string connectionId) =>
        sessions.Find(connectionId) ?? throw new ProtocolException(ErrorCode.NotFound, "no open connection with this id on this gateway");
}
