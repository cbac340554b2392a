using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Security;

/// <summary>Refuses WebSocket, SSE and hub handshakes from browser origins outside <c>Realtime:AllowedOrigins</c> (403).</summary>
internal static class OriginCheck
{
    private static readonly string[] GuardedPaths = ["/ws", "/sse", "/events", "/hub"];

    public static IApplicationBuilder UseOriginCheck(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<OriginPolicy>();
        if (policy.AllowsAny)
            return app;

        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (GuardedPaths.Any(guarded => path.StartsWithSegments(guarded, StringComparison.OrdinalIgnoreCase)) && !policy.IsAllowed(context.Request))
            {
                await Problems.WriteAsync(context, ErrorCode.Forbidden, $"origin '{context.Request.Headers.Origin}' is not allowed (Realtime:AllowedOrigins)");
                return;
            }

            await next(context);
        });
    }
}
