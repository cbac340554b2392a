namespace OrleansRealtime.Channels;

/// <summary>
/// One publication of a channel, as the history store keeps it and the channel's Orleans stream carries it.
/// <paramref name="Offset"/> is 1, 2, 3 … without gaps within <paramref name="Epoch"/>.
/// </summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Offset">Position of this message in the channel, assigned by the channel grain.</param>
/// <param name="Epoch">Identity of the channel's history; changes only when that history was lost.</param>
/// <param name="Data">The payload: one UTF-8 JSON value, validated before it reached the grain.</param>
/// <param name="From">The publishing user, or null for a server-side publication.</param>
/// <param name="TimestampMs">Publication time, Unix milliseconds (UTC).</param>
/// <param name="Priority">Delivery priority.</param>
/// <param name="Event">
/// The event name of a room message (<c>room.send</c>'s <c>event</c>), or a reserved <c>$</c>-name of a presence event
/// in an internal log (see <see cref="InternalLogs"/>); null for ordinary channel publications.
/// </param>
/// <param name="TraceParent">
/// The W3C <c>traceparent</c> of the span that published the message, carried on the live stream so each gateway's
/// delivery span can link to it; null when the publication was not traced. History stores need not keep it.
/// </param>
[GenerateSerializer, Immutable, Alias("rt.ChannelMessage")]
public sealed record ChannelMessage(
    [property: Id(0)] string Channel,
    [property: Id(1)] long Offset,
    [property: Id(2)] string Epoch,
    [property: Id(3)] byte[] Data,
    [property: Id(4)] string? From,
    [property: Id(5)] long TimestampMs,
    [property: Id(6)] MessagePriority Priority,
    [property: Id(7)] string? Event = null,
    [property: Id(8)] string? TraceParent = null);
