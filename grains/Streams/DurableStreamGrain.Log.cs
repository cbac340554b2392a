using Microsoft.Extensions.Logging;

namespace OrleansRealtime.Streams;

internal sealed partial class DurableStreamGrain
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Stream {Stream} created (type {Type})")]
    private static partial void LogCreated(ILogger logger, string stream, StreamType type);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Stream {Stream} deleted")]
    private static partial void LogDeleted(ILogger logger, string stream);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Stream {Stream}: the store refused a batch at offset {Offset}; retrying after its position")]
    private static partial void LogAppendConflict(ILogger logger, Exception exception, string stream, long offset);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Stream {Stream}: a batch of {Count} events could not be written; its appends fail")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string stream, int count);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Stream {Stream}: publishing the batch from offset {Offset} to live subscribers failed; they read it from the store")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string stream, long offset);
}
