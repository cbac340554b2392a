using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>The answer to a REST publish.</summary>
internal sealed record PublishResponse(long Offset, string Epoch);

/// <summary>A channel's state on the admin API.</summary>
internal sealed record ChannelResponse(
    string Channel, string Epoch, long Offset, int HistoryLength, IReadOnlyDictionary<string, int> Subscribers, long Published, ChannelRates Rates)
{
    public static ChannelResponse From(OrleansRealtime.Channels.ChannelInfo info) => new(
        info.Channel, info.Epoch, info.Offset, info.HistoryLength, info.Subscribers, info.Published,
        new ChannelRates(info.PublishedPerSecond, OrleansRealtime.Channels.ChannelInfo.RateWindowSeconds));
}

/// <summary>A channel's rates, counted by its grain: messages published per second over the last <c>windowSeconds</c>.</summary>
internal sealed record ChannelRates(double PublishedPerSecond, int WindowSeconds);

/// <summary>One connection on the admin API: who, how, what it subscribes to, and how much is waiting to be sent.</summary>
internal sealed record ConnectionResponse(
    string ConnectionId, string? UserId, string Transport, string Gateway, IReadOnlyList<string> Channels, int QueuedFrames, long QueuedBytes)
{
    public static ConnectionResponse From(ConnectionSummary c) =>
        new(c.ConnectionId, c.UserId, c.Transport, c.GatewayId, c.Channels, c.QueuedFrames, c.QueuedBytes);
}

/// <summary>The room list: each occupied room with its member count.</summary>
internal sealed record RoomListResponse(IReadOnlyList<RoomSummaryResponse> Rooms);

internal sealed record RoomSummaryResponse(string Room, int Members);

/// <summary>The answer to a REST direct message: its offset in the recipient's log, and whether they were online.</summary>
internal sealed record DirectResponse(long Offset, bool Online);

/// <summary>A user's inbox: messages waiting and messages dropped so far.</summary>
internal sealed record InboxResponse(long Pending, long Dropped);

/// <summary>Source-generated JSON for the admin API's answers (camelCase on the wire).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PublishResponse))]
[JsonSerializable(typeof(ChannelResponse))]
[JsonSerializable(typeof(ConnectionResponse))]
[JsonSerializable(typeof(ConnectionListResponse))]
[JsonSerializable(typeof(ClusterResponse))]
[JsonSerializable(typeof(ChannelListResponse))]
[JsonSerializable(typeof(RoomListResponse))]
[JsonSerializable(typeof(DirectResponse))]
[JsonSerializable(typeof(InboxResponse))]
[JsonSerializable(typeof(StreamResponse))]
[JsonSerializable(typeof(StreamListResponse))]
[JsonSerializable(typeof(AppendResponse))]
[JsonSerializable(typeof(StreamEventsResponse))]
[JsonSerializable(typeof(GroupReadResponse))]
[JsonSerializable(typeof(AckResponse))]
[JsonSerializable(typeof(GroupResponse))]
[JsonSerializable(typeof(SubscriptionResponse))]
[JsonSerializable(typeof(SubscriptionListResponse))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
