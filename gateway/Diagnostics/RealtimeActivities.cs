using System.Diagnostics;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// The gateway's spans, on the <c>OrleansRealtime</c> activity source, named and tagged after OpenTelemetry's
/// messaging conventions: <c>publish</c> (a client frame or REST request until the channel grain answered) and
/// <c>deliver</c> (a channel feed handing one message to this gateway's subscribers), linked to the <c>publish</c> span
/// through the W3C <c>traceparent</c> the message carries (<see cref="ChannelMessage.TraceParent"/>).
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

    /// <summary>
    /// The request to send to the channel grain: with the publish span's W3C <c>traceparent</c> when the span is
    /// recorded, so the message carries it on the stream to every gateway's <c>deliver</c> span. Untraced publications
    /// (no listener, or not sampled) pass unchanged, at no cost.
    /// </summary>
    public static PublishRequest Traced(PublishRequest request, Activity? publish) =>
        publish is { Recorded: true, IdFormat: ActivityIdFormat.W3C, Id: { } id } ? request with { TraceParent = id } : request;

    /// <summary>
    /// Starts the span of one message's fan-out to this gateway's subscribers: one per message per gateway, never one per
    /// subscriber. It is linked (not parented: the publisher's span has long ended, and one publish fans out to many
    /// gateways) to the publish span whose <c>traceparent</c> the message carries. Without a listener nothing is parsed
    /// or allocated.
    /// </summary>
    public static Activity? StartDelivery(ChannelMessage message)
    {
        if (!Source.HasListeners())
            return null;

        ActivityLink[]? links = null;
        if (message.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var publish))
            links = [new ActivityLink(publish)];

        var activity = Source.StartActivity(DeliverName, ActivityKind.Consumer, parentContext: default, tags: null, links: links);
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
