using System.Diagnostics;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// The gateway's spans, on the <c>OrleansRealtime</c> activity source, named and tagged after OpenTelemetry's
/// messaging conventions: <c>publish</c> (a client frame or REST request until the channel grain answered) and
/// <c>deliver</c> (a channel feed handing one message to this gateway's subscribers).
/// </summary>
/// <remarks>
/// Cheap when nobody listens: <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null without a
/// listener, and the helpers return before building any tag.
/// </remarks>
internal static class RealtimeActivities
{
    public const string SourceName = "OrleansRealtime";

    public const string PublishName = "publish";
    public const string DeliverName = "deliver";

    /// <summary>The channel (semantic convention <c>messaging.destination.name</c>).</summary>
    public const string ChannelTag = "messaging.destination.name";

    /// <summary>Where a publication came from: a transport name, or <c>rest</c>.</summary>
    public const string ViaTag = "realtime.via";

    public const string OffsetTag = "realtime.offset";

    /// <summary>The value of <see cref="ViaTag"/> for the REST API.</summary>
    public const string ViaRest = "rest";

    public static readonly ActivitySource Source = new(SourceName, typeof(RealtimeActivities).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the span of one publication, to wrap the grain call: <c>using var span = StartPublish(…)</c>, then
    /// <see cref="Published"/> with the answer.
    /// </summary>
    public static Activity? StartPublish(string channel, string via)
    {
        var activity = Source.StartActivity(PublishName, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", SourceName);
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag(ChannelTag, channel);
            activity.SetTag(ViaTag, via);
        }

        return activity;
    }

    /// <summary>Tags the publish span with the offset the channel assigned.</summary>
    public static void Published(Activity? activity, ChannelPosition position)
    {
        if (activity is { IsAllDataRequested: true })
            activity.SetTag(OffsetTag, position.Offset);
    }

    /// <summary>Marks a span failed, with the protocol's error code as its status description.</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null)
            return;

        var code = exception is ProtocolException protocol ? protocol.Code : ErrorCode.Internal;
        activity.SetStatus(ActivityStatusCode.Error, code.ToWire());
        activity.AddException(exception);
    }

    /// <summary>Starts the span of one message's fan-out to this gateway's subscribers.</summary>
    public static Activity? StartDelivery(ChannelMessage message)
    {
        var activity = Source.StartActivity(DeliverName, ActivityKind.Consumer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", SourceName);
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag(ChannelTag, message.Channel);
            activity.SetTag(OffsetTag, message.Offset);
        }

        return activity;
    }
}
