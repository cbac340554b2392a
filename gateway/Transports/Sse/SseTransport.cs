using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Transports.Sse;

/// <summary>
/// <c>GET /sse</c> (alias <c>/events</c>): the server-to-client half of a connection as a <c>text/event-stream</c>,
/// one event per frame: <c>event:</c> is the frame's type, <c>data:</c> its JSON (always one line), <c>id:</c> a
/// resume token for every subscription of the connection. Pings become comment lines (the client cannot answer
/// them; they keep proxies from closing a quiet stream). <c>?subscribe=a,b</c> subscribes at once; a reconnect with
/// <c>Last-Event-ID</c> (or <c>?lastEventId=</c> for clients that cannot set headers) resumes every subscription the
/// token names from where the client was, without gap or duplicate. Client frames arrive by
/// <c>POST /sse/{connectionId}</c> (<see cref="FramePosts"/>).
/// </summary>
internal sealed partial class SseTransport(
    SessionServices services,
    ClientIdentityResolver identity,
    IOptions<TransportOptions> options,
    ILogger<SseTransport> logger)
{
    private static readonly byte[] PingComment = ": ping\n\n"u8.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        Session session;
        List<string> channels;
        try
        {
            channels = ParseChannelList(context.Request.Query["subscribe"].ToString(), services.Limits.MaxSubscriptionsPerConnection);
            session = services.Sessions.Open(await identity.ResolveAsync(context), TransportKind.Sse, services);
        }
        catch (ProtocolException ex)
        {
            await Problems.WriteAsync(context, ex.Code, ex.Message);
            return;
        }

        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache, no-store, no-transform";
            response.Headers["X-Accel-Buffering"] = "no"; // nginx: do not buffer the stream
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            using var aborted = context.RequestAborted.Register(static state => ((Session)state!).Close(CloseReason.Normal), session);
            Encoding.ASCII.GetBytes($"retry: {options.Value.SseRetryMilliseconds}\n\n", response.BodyWriter);
            session.Welcome();
            var writer = WriteLoopAsync(response, session, context.RequestAborted);

            var (resume, filters) = ReadResumeToken(context, session);
            await session.SubscribeOnOpenAsync(channels, resume, filters);
            await writer;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            LogConnectionFailed(logger, ex, session.ConnectionId);
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>The resume token of a reconnecting client; an unreadable one is answered with an error event and ignored.</summary>
    private (Dictionary<string, RecoveryPosition> Positions, Dictionary<string, string> Filters) ReadResumeToken(HttpContext context, Session session)
    {
        var token = context.Request.Headers["Last-Event-ID"].ToString();
        if (token.Length == 0)
            token = context.Request.Query["lastEventId"].ToString();
        if (token.Length == 0)
            return ([], []);

        if (ResumeToken.TryDecode(token, services.Limits.MaxSubscriptionsPerConnection, out var positions, out var filters, out var error))
            return (positions, filters);

        session.Reject($"Last-Event-ID ignored: {error}; subscriptions start without recovery");
        return ([], []);
    }

    private async Task WriteLoopAsync(HttpResponse response, Session session, CancellationToken aborted)
    {
        var queue = session.Outbound;
        var body = response.BodyWriter;
        using var writes = CancellationTokenSource.CreateLinkedTokenSource(aborted, session.WritesAbandoned);
        try
        {
            while (await queue.WaitToReadAsync(CancellationToken.None))
            {
                if (session.CloseReason == CloseReason.SlowConsumer)
                {
                    // The backlog is what this client cannot take; tell it why it is cut off, and stop.
                    WriteEvent(body, FrameWriter.Close(CloseReason.SlowConsumer), id: null);
                    await body.FlushAsync(writes.Token);
                    return;
                }

                while (queue.TryDequeue(out var frame))
                {
                    if (frame.Type == ServerFrameType.Ping)
                    {
                        body.Write(PingComment);
                        continue;
                    }

                    session.Written(frame);
                    WriteEvent(body, frame, session.CreateResumeToken());
                }

                var flushed = await body.FlushAsync(writes.Token);
                if (flushed.IsCanceled || flushed.IsCompleted)
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client went away; the registration on RequestAborted has closed the session.
            LogWriteFailed(logger, ex, session.ConnectionId);
            session.Close(CloseReason.Normal);
        }
    }

    private static void WriteEvent(IBufferWriter<byte> body, EncodedFrame frame, string? id)
    {
        if (id is not null)
        {
            body.Write("id: "u8);
            Encoding.ASCII.GetBytes(id, body);
            body.Write("\n"u8);
        }

        body.Write("event: "u8);
        Encoding.ASCII.GetBytes(frame.Type.ToWire(), body);
        // Frames are compact JSON: a newline inside can only be escaped, so the data is a single line.
        body.Write("\ndata: "u8);
        body.Write(frame.Utf8.Span);
        body.Write("\n\n"u8);
    }

    /// <summary>Parses <c>?subscribe=a,b</c>: names are checked by the session (each bad one answered with an error event).</summary>
    public static List<string> ParseChannelList(string value, int max)
    {
        var channels = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (channels.Count > max)
            throw new ProtocolException(ErrorCode.LimitExceeded, $"at most {max} subscriptions per connection");
        return channels;
    }

    [LoggerMessage(EventId = 1410, Level = LogLevel.Debug, Message = "SSE connection {ConnectionId} failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Debug, Message = "SSE connection {ConnectionId}: write failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string connectionId);
}
