using System.Text.Json;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// One subscription on the admin API. <c>server</c> says who made it: the server (<c>POST /api/subscriptions</c>) or
/// the client (a <c>subscribe</c> frame). A subscription just made also carries the position it went live at
/// (<c>offset</c>, <c>epoch</c>, and <c>recovered</c> when <c>since</c> was given), as the client's <c>subscribed</c> frame does.
/// </summary>
internal sealed record SubscriptionResponse(
    string Id, string ConnectionId, string Gateway, string? Channel, string? Pattern, JsonElement? Filter, bool Server,
    long? Offset, string? Epoch, bool? Recovered)
{
    public static SubscriptionResponse From(SubscriptionSummary s) => new(
        s.Id, s.ConnectionId, s.GatewayId, s.Channel, s.Pattern,
        s.Filter is null ? null : JsonElement.Parse(s.Filter),
        s.Server, s.Position?.Offset, s.Position?.Epoch, s.Position?.Recovered);
}

/// <summary>A connection's subscriptions, ordered by channel or pattern.</summary>
internal sealed record SubscriptionListResponse(string ConnectionId, IReadOnlyList<SubscriptionResponse> Subscriptions);
