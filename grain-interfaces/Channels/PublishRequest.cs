namespace OrleansRealtime.Channels;

/// <summary>A publication before the channel grain gave it an offset.</summary>
/// <param name="Data">The payload: one UTF-8 JSON value, already validated by the caller.</param>
/// <param name="From">The publishing user, or null for a server-side publication.</param>
/// <param name="Priority">Delivery priority.</param>
/// <param name="Event">The event name carried with the message (rooms and internal logs); null for channel publications.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the publishing span, passed on to the message; null when not traced.</param>
[GenerateSerializer, Immutable, Alias("rt.PublishRequest")]
public sealed record PublishRequest(
    [property: Id(0)] byte[] Data,
    [property: Id(1)] string? From,
    [property: Id(2)] MessagePriority Priority = MessagePriority.Normal,
    [property: Id(3)] string? Event = null,
    [property: Id(4)] string? TraceParent = null);
