using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>The answer to a REST publish.</summary>
internal sealed record PublishResponse(long Offset, string Epoch);

/// <summary>A channel's state on the admin API.</summary>
internal sealed record ChannelResponse(string Channel, string Epoch, long Offset, int HistoryLength, IReadOnlyDictionary<string, int> Subscribers, long Published);

/// <summary>One connection on the admin API: who, how, what it subscribes to, and how much is waiting to be sent.</summary>
internal sealed record ConnectionResponse(
    string ConnectionId, string? UserId, string Transport, string Gateway, IReadOnlyList<string> Channels, int QueuedFrames, long QueuedBytes)
{
    public static ConnectionResponse From(ConnectionSummary c) =>
        new(c.ConnectionId, c.UserId, c.Transport, c.GatewayId, c.Channels, c.QueuedFrames, c.QueuedBytes);
}

/// <summary>Source-generated JSON for the admin API's answers (camelCase on the wire).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublishResponse))]
[JsonSerializable(typeof(ChannelResponse))]
[JsonSerializable(typeof(ConnectionResponse))]
[JsonSerializable(typeof(ConnectionListResponse))]
[JsonSerializable(typeof(ClusterResponse))]
[JsonSerializable(typeof(ChannelListResponse))]
[JsonSerializable(typeof(StreamResponse))]
[JsonSerializable(typeof(StreamListResponse))]
[JsonSerializable(typeof(AppendResponse))]
[JsonSerializable(typeof(StreamEventsResponse))]
[JsonSerializable(typeof(GroupReadResponse))]
[JsonSerializable(typeof(AckResponse))]
[JsonSerializable(typeof(GroupResponse))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
