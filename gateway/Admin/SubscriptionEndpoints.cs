using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// Server-side subscriptions: subscribe a connection to a channel or pattern, list its subscriptions, remove one, on
/// whichever gateway holds the connection. This gateway acts on its own connections; the others' are reached
/// through the gateway directory (<see cref="IGatewayDirectoryGrain"/>), as <c>DELETE /api/connections/{id}</c> is.
/// </summary>
internal static class SubscriptionEndpoints
{
    public static RouteGroupBuilder MapSubscriptionEndpoints(this RouteGroupBuilder api)
    {
        var subscriptions = api.MapGroup(string.Empty).WithTags("Subscriptions");
        subscriptions.MapPost("/subscriptions", SubscribeAsync)
            .WithName("CreateSubscription")
            .WithSummary("Subscribe a connection on any gateway")
            .WithDescription("Body {\"connectionId\", \"channel\" or \"pattern\", \"filter\"?, \"since\"?: {\"offset\", \"epoch\"}}. The connection is " +
                             "subscribed as if its client had sent 'subscribe': its user's 'channels' grant (403), the subscription limit " +
                             "(429 limit_exceeded), the filter and since-recovery apply. The client gets a 'subscribed' frame, then any " +
                             "recovered and live messages. 409 when it already subscribes to that channel or pattern.")
            .AddOpenApiOperationTransformer((operation, _, _) => ChannelEndpoints.DescribeJsonBody(
                operation, "{\"connectionId\", \"channel\" or \"pattern\", \"filter\"?: {field: value}, \"since\"?: {\"offset\", \"epoch\"?}}"))
            .Produces<SubscriptionResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        subscriptions.MapGet("/subscriptions", ListAsync)
            .WithName("ListSubscriptions")
            .WithSummary("A connection's subscriptions on any gateway")
            .WithDescription("Every channel and pattern subscription of the connection 'connectionId', ordered by name; 'server' tells " +
                             "those the server made from those its client made.")
            .Produces<SubscriptionListResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        subscriptions.MapDelete("/subscriptions/{subscriptionId}", UnsubscribeAsync)
            .WithName("DeleteSubscription")
            .WithSummary("Remove a subscription on any gateway")
            .WithDescription("Removes the subscription, whoever made it; its client gets an 'unsubscribed' frame and nothing of it after that.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static async Task<IResult> SubscribeAsync(HttpRequest request, GatewayCommands local, ClusterAccess cluster, IOptions<LimitsOptions> limits)
    {
        var body = await ChannelEndpoints.ReadJsonBodyAsync(request, limits.Value.MaxFrameBytes);
        var (connectionId, subscription) = SubscriptionRequests.Parse(body);
        var answer = await local.SubscribeAsync(connectionId, subscription) ?? await RemoteAsync(cluster.SubscribeRemoteAsync(connectionId, subscription));
        if (Refusal(answer) is { } refused)
            return refused;
        var created = SubscriptionResponse.From(answer.Subscriptions.Single());
        request.HttpContext.Response.Headers.Location = $"/api/subscriptions/{created.Id}";
        return Results.Json(created, AdminJsonContext.Default.SubscriptionResponse, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(GatewayCommands local, ClusterAccess cluster, string? connectionId = null)
    {
        if (string.IsNullOrEmpty(connectionId))
            throw ProtocolException.BadRequest("'connectionId' is required");
        var answer = local.ListSubscriptions(connectionId) ?? await RemoteAsync(cluster.ListRemoteSubscriptionsAsync(connectionId));
        if (Refusal(answer) is { } refused)
            return refused;
        var list = answer.Subscriptions.Select(SubscriptionResponse.From).ToList();
        return Results.Json(new SubscriptionListResponse(connectionId, list), AdminJsonContext.Default.SubscriptionListResponse);
    }

    private static async Task<IResult> UnsubscribeAsync(string subscriptionId, GatewayCommands local, ClusterAccess cluster)
    {
        if (!SubscriptionId.TryParse(subscriptionId, out var connectionId, out _, out _))
            throw new ProtocolException(ErrorCode.NotFound, "no subscription with this id");
        var answer = await local.UnsubscribeAsync(connectionId, subscriptionId) ?? await RemoteAsync(cluster.UnsubscribeRemoteAsync(connectionId, subscriptionId));
        return Refusal(answer) ?? Results.NoContent();
    }

    private static async Task<SubscriptionAnswer> RemoteAsync(ValueTask<SubscriptionLookup> lookup)
    {
        var found = await lookup;
        return ConnectionEndpoints.Found(found.Answer, found.Unreachable);
    }

    /// <summary>The problem answering a refusal by the gateway holding the connection (409 for a conflict with what it holds); null on success.</summary>
    private static IResult? Refusal(SubscriptionAnswer answer)
    {
        if (answer.Code is null)
            return null;
        var code = Enum.GetValues<ErrorCode>().FirstOrDefault(c => c.ToWire() == answer.Code, ErrorCode.Internal);
        return Problems.For(code, answer.Message ?? code.ToWire(), answer.Conflict ? StatusCodes.Status409Conflict : null);
    }
}
