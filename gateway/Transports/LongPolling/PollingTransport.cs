using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateway.Security;
using OrleansRealtime.Gateway.Transports.Sse;

namespace OrleansRealtime.Gateway.Transports.LongPolling;

/// <summary>
/// Long polling for clients that can only make plain HTTP requests. <c>POST /poll</c> opens a connection and answers
/// its <c>welcome</c> frame; <c>POST /poll/{id}</c> carries client frames (<see cref="FramePosts"/>);
/// <c>GET /poll/{id}?cursor=N</c> confirms every frame up to N and answers <c>{"cursor":M,"frames":[…]}</c> as soon
/// as there is a frame above N, or with no frames and the same cursor after the poll time-out (25 s, shortened by
/// <c>?timeout=</c>). A client that stops polling is disconnected after <c>PongTimeoutSeconds</c>.
/// </summary>
internal sealed partial class PollingTransport(
    SessionServices services,
    ClientIdentityResolver identity,
    IOptions<TransportOptions> options,
    ILogger<PollingTransport> logger)
{
    private readonly ConcurrentDictionary<string, PollingConnection> _connections = new(StringComparer.Ordinal);

    public async Task OpenAsync(HttpContext context)
    {
        Session session;
        List<string> channels;
        try
        {
            channels = SseTransport.ParseChannelList(context.Request.Query["subscribe"].ToString(), services.Limits.MaxSubscriptionsPerConnection);
            session = services.Sessions.Open(await identity.ResolveAsync(context), TransportKind.Polling, services);
        }
        catch (ProtocolException ex)
        {
            await Problems.WriteAsync(context, ex.Code, ex.Message);
            return;
        }

        var connection = new PollingConnection(session);
        _connections[session.ConnectionId] = connection;
        _ = ForgetWhenClosedAsync(connection);

        await session.SubscribeOnOpenAsync(channels, ResumePositions.None);
        NoStore(context.Response);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(session.WelcomeFrame().Utf8, context.RequestAborted);
    }

    public async Task PollAsync(HttpContext context, string connectionId)
    {
        if (!_connections.TryGetValue(connectionId, out var connection))
        {
            await Problems.WriteAsync(context, ErrorCode.NotFound, "no open polling connection with this id on this gateway");
            return;
        }

        try
        {
            await identity.RequireSameUserAsync(context.Request, connection.Session.Identity);
        }
        catch (ProtocolException ex)
        {
            await Problems.WriteAsync(context, ex.Code, ex.Message);
            return;
        }

        if (!TryReadQuery(context.Request, out var cursor, out var timeout, out var error))
        {
            await Problems.WriteAsync(context, ErrorCode.BadRequest, error);
            return;
        }

        var superseded = connection.Supersede();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, superseded);
        try
        {
            await connection.Gate.WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await WriteAnswerAsync(context, cursor, []);
            return;
        }

        var session = connection.Session;
        session.PollStarted();
        try
        {
            if (cursor > connection.Last)
            {
                await Problems.WriteAsync(context, ErrorCode.BadRequest, $"cursor {cursor} is ahead of the last frame sent ({connection.Last})");
                return;
            }

            connection.Confirm(cursor);
            var batch = options.Value.PollBatchFrames;
            connection.Take(batch);
            if (connection.UnconfirmedCount == 0 && !session.Outbound.IsDrained)
                await WaitForFramesAsync(connection, batch, timeout, cancel.Token, context.RequestAborted);

            if (session.CloseReason == CloseReason.SlowConsumer && connection.UnconfirmedCount > 0 && connection.Unconfirmed.Last().Frame.Type != ServerFrameType.Close)
                connection.ReplaceAllWith(FrameWriter.Close(CloseReason.SlowConsumer));

            if (connection.UnconfirmedCount == 0 && session.Outbound.IsDrained)
            {
                // Closed, and the client has confirmed everything including the close frame: the connection is gone.
                _connections.TryRemove(new KeyValuePair<string, PollingConnection>(connectionId, connection));
                await Problems.WriteAsync(context, ErrorCode.NotFound, $"connection closed ({session.CloseReason?.Code ?? "normal"})");
                return;
            }

            await WriteAnswerAsync(context, connection.UnconfirmedCount > 0 ? connection.Last : cursor, connection.Unconfirmed.Select(entry => entry.Frame));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up on this poll; what it was about to get stays unconfirmed and comes with the next.
        }
        finally
        {
            session.PollEnded();
            connection.Gate.Release();
        }
    }

    private async Task WaitForFramesAsync(PollingConnection connection, int batch, TimeSpan timeout, CancellationToken cancellation, CancellationToken requestAborted)
    {
        using var expiry = new CancellationTokenSource(timeout, services.Time);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation, expiry.Token);
        try
        {
            if (await connection.Session.Outbound.WaitToReadAsync(wait.Token))
                connection.Take(batch);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            // Timed out, or a newer poll took over: answer with what there is (nothing).
        }
    }

    private bool TryReadQuery(HttpRequest request, out long cursor, out TimeSpan timeout, out string error)
    {
        var max = options.Value.PollTimeoutSeconds;
        timeout = TimeSpan.FromSeconds(max);
        error = string.Empty;
        if (!long.TryParse(request.Query["cursor"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out cursor))
        {
            error = "'cursor' must be a non-negative integer (0 on the first poll, then the cursor of the last answer)";
            return false;
        }

        var raw = request.Query["timeout"].ToString();
        if (raw.Length == 0)
            return true;
        if (!double.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 25)
        {
            error = "'timeout' must be a number of seconds from 0 to 25";
            return false;
        }

        timeout = TimeSpan.FromSeconds(Math.Min(seconds, max));
        return true;
    }

    private static async Task WriteAnswerAsync(HttpContext context, long cursor, IEnumerable<EncodedFrame> frames)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("cursor"u8, cursor);
            writer.WriteStartArray("frames"u8);
            foreach (var frame in frames)
                writer.WriteRawValue(frame.Utf8.Span, skipInputValidation: true);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        NoStore(context.Response);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static void NoStore(HttpResponse response) => response.Headers.CacheControl = "no-store";

    /// <summary>
    /// Releases a closed connection's subscriptions at once, and forgets its delivery state after a grace period in
    /// which a last poll can still fetch the <c>close</c> frame.
    /// </summary>
    private async Task ForgetWhenClosedAsync(PollingConnection connection)
    {
        var session = connection.Session;
        await session.Closed;
        await session.DisposeAsync();
        try
        {
            await Task.Delay(services.Limits.PongTimeout + TimeSpan.FromSeconds(options.Value.PollTimeoutSeconds), services.Time);
        }
        finally
        {
            if (_connections.TryRemove(new KeyValuePair<string, PollingConnection>(session.ConnectionId, connection)))
                LogForgotten(logger, session.ConnectionId);
        }
    }

    [LoggerMessage(EventId = 1420, Level = LogLevel.Debug, Message = "Polling connection {ConnectionId} forgotten after its close")]
    private static partial void LogForgotten(ILogger logger, string connectionId);
}
