using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// REST routes over the connections of every gateway: list, inspect one, close one. This gateway answers for its own
/// connections; the others' are reached through the gateway directory (<see cref="IGatewayDirectoryGrain"/>).
/// </summary>
internal static class ConnectionEndpoints
{
    public static RouteGroupBuilder MapConnectionEndpoints(this RouteGroupBuilder api)
    {
        var connections = api.MapGroup(string.Empty).WithTags("Connections");
        connections.MapGet("/connections", ListAsync)
            .WithName("ListConnections")
            .WithSummary("The connections of every gateway")
            .WithDescription($"Ordered by connection id, at most 'limit' (default {PageQuery.DefaultLimit}, at most {PageQuery.MaxLimit}) with an id after " +
                             "'after'; 'next' is the cursor of the following page (null on the last one). Each entry names its gateway; " +
                             "gateways that did not answer in time are listed in 'unreachable'.")
            .Produces<ConnectionListResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        connections.MapGet("/connections/{connectionId}", GetAsync)
            .WithName("GetConnection")
            .WithSummary("A connection on any gateway")
            .WithDescription("Its user, transport, gateway, channels, and the frames and bytes waiting in its send queue.")
            .Produces<ConnectionResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        connections.MapDelete("/connections/{connectionId}", CloseAsync)
            .WithName("CloseConnection")
            .WithSummary("Close a connection on any gateway")
            .WithDescription("The gateway holding it sends the client a 'close' frame with code 'closed_by_admin', then its transport ends.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    /// <summary>This gateway's page and the other gateways' pages after the same cursor, merged by id.</summary>
    private static async Task<IResult> ListAsync(GatewayCommands local, ClusterAccess cluster, string? limit = null, string? after = null)
    {
        (var pageSize, after) = PageQuery.Parse(limit, after);
        var remote = await cluster.ListRemoteConnectionsAsync(after, pageSize, local.GatewayId);
        var page = local.List(after, pageSize).Concat(remote.Connections)
            .OrderBy(c => c.ConnectionId, StringComparer.Ordinal)
            .Take(pageSize)
            .Select(ConnectionResponse.From)
            .ToList();
        var next = page.Count == pageSize ? page[^1].ConnectionId : null;
        return Results.Json(new ConnectionListResponse(page, next, remote.Unreachable), AdminJsonContext.Default.ConnectionListResponse);
    }

    private static async Task<IResult> GetAsync(string connectionId, GatewayCommands local, ClusterAccess cluster)
    {
        var connection = local.Find(connectionId) ?? Found(await cluster.FindRemoteConnectionAsync(connectionId));
        return Results.Json(ConnectionResponse.From(connection), AdminJsonContext.Default.ConnectionResponse);
    }

    /// <summary>Closes the connection: its client gets a <c>close</c> frame with <c>closed_by_admin</c>, then the transport ends.</summary>
    private static async Task<IResult> CloseAsync(string connectionId, GatewayCommands local, ClusterAccess cluster)
    {
        if (local.Close(connectionId) is null)
            Found(await cluster.CloseRemoteConnectionAsync(connectionId));
        return Results.NoContent();
    }

    /// <summary>
    /// The connection the other gateways found; not found is only certain when every gateway answered, otherwise
    /// a silent one may hold it and the client should retry (<c>unavailable</c>).
    /// </summary>
    private static ConnectionSummary Found(ConnectionLookup lookup) => Found(lookup.Connection, lookup.Unreachable);

    /// <summary>What the gateway holding the connection answered (see above), for every command routed through the gateway directory.</summary>
    internal static T Found<T>(T? answer, IReadOnlyList<string> unreachable)
        where T : class => answer switch
    {
        { } found => found,
        _ when unreachable.Count == 0 => throw new ProtocolException(ErrorCode.NotFound, "no open connection with this id on any gateway"),
        _ => throw new ProtocolException(
            ErrorCode.Unavailable, $"no gateway that answered holds this connection, and {string.Join(", ", unreachable)} did not answer; retry shortly"),
    };
}
