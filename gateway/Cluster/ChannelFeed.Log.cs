namespace OrleansRealtime.Gateway.Cluster;

internal sealed partial class ChannelFeed
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Channel '{Channel}': stream error")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Channel '{Channel}': offsets {From}..{To} are no longer in history; subscribers see a gap")]
    private static partial void LogGapUnrecoverable(ILogger logger, string channel, long from, long to);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Channel '{Channel}': filling offsets {From}..{To} from history failed")]
    private static partial void LogGapFillFailed(ILogger logger, Exception exception, string channel, long from, long to);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Channel '{Channel}': epoch changed from {OldEpoch} to {NewEpoch}")]
    private static partial void LogEpochChanged(ILogger logger, string channel, string oldEpoch, string newEpoch);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Debug, Message = "Channel '{Channel}': reporting subscribers failed")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Channel '{Channel}': offsets {From}..{To} were not delivered by the stream; filling them from history")]
    private static partial void LogAuditFoundMissing(ILogger logger, string channel, long from, long to);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Information, Message = "Channel '{Channel}': subscribing to the stream again")]
    private static partial void LogResubscribing(ILogger logger, string channel);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Channel '{Channel}': unsubscribing from the stream failed")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Warning, Message = "Channel '{Channel}': could not check whether epoch {Epoch} is current; its event is left to the audit")]
    private static partial void LogEpochCheckFailed(ILogger logger, Exception exception, string channel, string epoch);
}
