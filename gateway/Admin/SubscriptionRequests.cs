using System.Runtime.InteropServices;
using System.Text.Json;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// Parses the body of <c>POST /api/subscriptions</c>: <c>{"connectionId","channel"|"pattern","filter"?,"since"?}</c>.
/// Everything that can be checked without the connection is checked here, on the gateway that got the request, so a
/// bad request is answered without asking the cluster; unknown properties are refused, as a misspelt one
/// (say <c>filters</c>) must not silently subscribe to everything.
/// </summary>
internal static class SubscriptionRequests
{
    private static readonly string[] Properties = ["connectionId", "channel", "pattern", "filter", "since"];
    private static readonly string[] SinceProperties = ["offset", "epoch"];

    public static (string ConnectionId, SubscriptionRequest Request) Parse(byte[] body)
    {
        using var document = StreamRequests.Parse(body);
        var root = StreamRequests.RequireObject(document.RootElement, "the body");
        StreamRequests.RefuseUnknown(root, Properties, string.Empty);

        var connectionId = StreamRequests.RequiredString(root, "connectionId");
        var channel = OptionalString(root, "channel");
        var pattern = OptionalString(root, "pattern");
        if ((channel is null) == (pattern is null))
            throw ProtocolException.BadRequest("give exactly one of 'channel' and 'pattern'");
        if (channel is not null)
            Session.RequireChannel(channel);
        else
            Session.RequirePattern(pattern);

        return (connectionId, new SubscriptionRequest(channel, pattern, Filter(root), Since(root, pattern is not null)));
    }

    /// <summary>The filter as compact JSON after checking it the way a <c>subscribe</c> frame's is checked; null when absent, null or empty.</summary>
    private static string? Filter(JsonElement root)
    {
        if (!root.TryGetProperty("filter", out var filter) || filter.ValueKind == JsonValueKind.Null)
            return null;
        StreamRequests.RequireObject(filter, "'filter'");
        return MessageFilter.Parse(JsonMarshal.GetRawUtf8Value(filter).ToArray())?.Json;
    }

    private static SubscriptionSince? Since(JsonElement root, bool isPattern)
    {
        if (!root.TryGetProperty("since", out var since) || since.ValueKind == JsonValueKind.Null)
            return null;
        if (isPattern)
            throw ProtocolException.BadRequest("'since' is not supported with a pattern: recover each channel with its own subscription");
        StreamRequests.RequireObject(since, "'since'");
        StreamRequests.RefuseUnknown(since, SinceProperties, "since.");
        var offset = StreamRequests.OptionalLong(since, "offset", "since.offset") ?? throw ProtocolException.BadRequest("'since.offset' is required");
        return new SubscriptionSince(offset, OptionalString(since, "epoch", "since.epoch"));
    }

    private static string? OptionalString(JsonElement element, string property, string? path = null)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw ProtocolException.BadRequest($"'{path ?? property}' must be a string");
    }
}
