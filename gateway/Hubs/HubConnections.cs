using Microsoft.AspNetCore.SignalR;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Hubs;

/// <summary>
/// The writer side of hub connections: one loop per connection drains its session's queue into the client method
/// <c>frame</c>, in order, awaiting each send (SignalR's own per-connection buffer is the back-pressure, our bounded
/// queue the limit). When the session closes (slow consumer, administrator, shutdown) the loop sends the
/// <c>close</c> frame and aborts the SignalR connection.
/// </summary>
internal sealed partial class HubConnections(IHubContext<RealtimeHub> hub, ILogger<HubConnections> logger)
{
    public const string ClientMethod = "frame";

    /// <summary>How long a closed session's close frame gets to reach the client before the connection is aborted.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    public void Start(HubCallerContext context, Session session)
    {
        var client = hub.Clients.Client(context.ConnectionId);
        session.Welcome();
        _ = WriteLoopAsync(context, client, session);
    }

    private async Task WriteLoopAsync(HubCallerContext context, ISingleClientProxy client, Session session)
    {
        var queue = session.Outbound;
        try
        {
            while (await queue.WaitToReadAsync(CancellationToken.None))
            {
                if (session.CloseReason == CloseReason.SlowConsumer)
                {
                    await client.SendAsync(ClientMethod, new HubFrame(FrameWriter.Close(CloseReason.SlowConsumer)));
                    break;
                }

                while (queue.TryDequeue(out var frame))
                    await client.SendAsync(ClientMethod, new HubFrame(frame));
            }
        }
        catch (Exception ex)
        {
            LogWriteFailed(logger, ex, session.ConnectionId);
            session.Close(CloseReason.Internal);
        }
        finally
        {
            // Ends the SignalR connection when the server closed the session (after a client disconnect it is a no-op).
            // SignalR has no graceful server-side close: give the transport a moment to flush the close frame (SSE and
            // long polling deliver it on their own schedule), or the client to leave on its own, before aborting.
            await WaitAsync(CloseGrace, context.ConnectionAborted);
            context.Abort();
        }
    }

    private static async Task WaitAsync(TimeSpan delay, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(delay, cancellation);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 1430, Level = LogLevel.Debug, Message = "Hub connection {ConnectionId}: write failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string connectionId);
}
