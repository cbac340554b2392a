using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>Writes the frame a feed's subscribers get for one record of its log.</summary>
internal delegate EncodedFrame FrameEncoder(ChannelMessage message);

/// <summary>Writes a subscription's answer once its position is known (null: success is not answered).</summary>
internal delegate EncodedFrame AckWriter(ChannelPosition position, bool? recovered);

/// <summary>
/// How a feed renders its log: a channel's records are <c>message</c> frames; the internal logs of rooms, direct
/// messages and presence (<see cref="InternalLogs"/>) are <c>room</c>/<c>presence</c>, <c>direct</c> and
/// <c>presence</c> frames. Chosen once per feed from its log name.
/// </summary>
internal static class FeedFrames
{
    public static FrameEncoder EncoderFor(string log)
    {
        if (log.StartsWith(InternalLogs.RoomPrefix, StringComparison.Ordinal))
        {
            var room = log[InternalLogs.RoomPrefix.Length..];
            return message => FrameWriter.RoomRecord(room, message);
        }

        if (log.StartsWith(InternalLogs.DirectPrefix, StringComparison.Ordinal))
            return FrameWriter.Direct;
        if (log.StartsWith(InternalLogs.PresencePrefix, StringComparison.Ordinal))
            return FrameWriter.WatchedPresence;
        return FrameWriter.Message;
    }

    /// <summary>
    /// The member a room log record removes from the room (a <c>$leave</c> event), whose other connections on this
    /// gateway must stop following the room; null for any other record or log.
    /// </summary>
    public static string? LeavingMember(string log, ChannelMessage message) =>
        message.Event == InternalLogs.LeaveEvent && log.StartsWith(InternalLogs.RoomPrefix, StringComparison.Ordinal) ? message.From : null;
}
