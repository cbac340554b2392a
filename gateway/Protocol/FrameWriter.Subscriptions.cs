using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Protocol;

internal static partial class FrameWriter
{
    /// <summary>
    /// Tells a client that the server subscribed it (<c>POST /api/subscriptions</c>): the subscription's id, its channel
    /// (with the position it went live at, and <c>recovered</c> when <c>since</c> was given) or pattern, and its filter,
    /// everything a client needs to track it and to subscribe again with <c>since</c> after a reconnect. Not an
    /// <c>ack</c>: no client frame asked for it, and a SignalR invocation running meanwhile must not take it as its answer.
    /// </summary>
    public static EncodedFrame Subscribed(string subscriptionId, string? channel, string? pattern, ChannelPosition? position, bool? recovered, string? filter)
    {
        var writer = Rent();
        StartSubscriptionFrame(writer, "subscribed"u8, subscriptionId, channel, pattern);
        if (position is { } at)
        {
            writer.WriteNumber("offset"u8, at.Offset);
            writer.WriteString("epoch"u8, at.Epoch);
        }

        if (recovered is { } value)
            writer.WriteBoolean("recovered"u8, value);
        if (filter is not null)
        {
            writer.WritePropertyName("filter"u8);
            writer.WriteRawValue(filter, skipInputValidation: true);
        }

        writer.WriteBoolean("server"u8, true);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Subscribed, Return(writer), MessagePriority.High);
    }

    /// <summary>Tells a client that the server removed one of its subscriptions (<c>DELETE /api/subscriptions/{id}</c>); nothing of it follows.</summary>
    public static EncodedFrame Unsubscribed(string subscriptionId, string? channel, string? pattern)
    {
        var writer = Rent();
        StartSubscriptionFrame(writer, "unsubscribed"u8, subscriptionId, channel, pattern);
        writer.WriteBoolean("server"u8, true);
        writer.WriteEndObject();
        return new EncodedFrame(ServerFrameType.Unsubscribed, Return(writer), MessagePriority.High);
    }

    private static void StartSubscriptionFrame(System.Text.Json.Utf8JsonWriter writer, ReadOnlySpan<byte> type, string subscriptionId, string? channel, string? pattern)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteString("subscription"u8, subscriptionId);
        if (channel is not null)
            writer.WriteString("channel"u8, channel);
        else
            writer.WriteString("pattern"u8, pattern);
    }
}
