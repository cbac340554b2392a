namespace OrleansRealtime.Gateway.Connections;

internal sealed partial class Session
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closing: {Reason}")]
    private static partial void LogClosing(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Connection {ConnectionId}: frame '{FrameType}' failed")]
    private static partial void LogFrameFailed(ILogger logger, Exception exception, string connectionId, string? frameType);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Trace, Message = "Connection {ConnectionId}: bad frame: {Error}")]
    private static partial void LogBadFrame(ILogger logger, string connectionId, string error);

    [LoggerMessage(EventId = 1120, Level = LogLevel.Debug, Message = "Connection {ConnectionId}: the user's rate budget could not be asked; frame admitted")]
    private static partial void LogUserBudgetUnavailable(ILogger logger, Exception exception, string connectionId);
}
