using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Transports;

/// <summary>
/// Client frames over plain HTTP, for the transports whose server-to-client direction is a response stream (SSE)
/// or a poll: <c>POST /sse/{id}</c> and <c>POST /poll/{id}</c> carry one frame or a JSON array of frames for the
/// named connection. The body goes to the session exactly as a WebSocket message would; the answers travel on the
/// connection's own stream. The request completes (202) once every frame in it has been handled, so a client that
/// awaits its POSTs keeps its frames in order. Any content type is accepted, so browsers can send without a CORS
/// preflight.
/// </summary>
internal static class FramePosts
{
    public static async Task<IResult> PostAsync(
        HttpContext context, string connectionId, TransportKind transport, SessionServices services, ClientIdentityResolver identity)
    {
        var session = services.Sessions.Find(connectionId);
        if (session is null || session.Transport != transport.Name || session.CloseReason is not null)
            return Problems.For(ErrorCode.NotFound, $"no open {transport.Name} connection '{Truncate(connectionId)}' on this gateway");
        await identity.RequireSameUserAsync(context.Request, session.Identity);

        var body = await RequestBody.ReadAsync(context.Request, services.Limits.MaxFrameBytes);
        await session.HandleAsync(body);
        return Results.Accepted();
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");
}
