using Microsoft.Extensions.Logging;

namespace OrleansRealtime.Channels;

internal sealed partial class ChannelGrain
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Channel {Channel} activated at offset {Top} of epoch {Epoch}")]
    private static partial void LogActivated(ILogger logger, string channel, string epoch, long top);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Channel {Channel}: the history store refused offset {Offset} of epoch {Epoch}; reopening")]
    private static partial void LogAppendConflict(ILogger logger, Exception exception, string channel, long offset, string epoch);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Channel {Channel} lost its history at offset {PreviousTop} of epoch {PreviousEpoch}; continuing in new epoch {Epoch}")]
    private static partial void LogNewEpoch(ILogger logger, string channel, string previousEpoch, long previousTop, string epoch);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Channel {Channel}: the history store went back from offset {PreviousTop} to {Top} within epoch {Epoch}; offsets after {Top} will be reused")]
    private static partial void LogStoreWentBack(ILogger logger, string channel, string epoch, long previousTop, long top);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Channel {Channel}: offset {Offset} is durable but its stream publication failed; gateways will fill the gap from history")]
    private static partial void LogStreamPublishFailed(ILogger logger, Exception exception, string channel, long offset);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Channel {Channel} could not register in the channel directory; it is missing from the channel list until it activates again")]
    private static partial void LogDirectoryFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Channel {Channel}: forwarding offset {Offset} to pattern {Pattern} failed")]
    private static partial void LogPatternForwardFailed(ILogger logger, Exception exception, string channel, long offset, string pattern);
}
