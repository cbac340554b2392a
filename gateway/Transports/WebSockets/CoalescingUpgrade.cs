using Microsoft.AspNetCore.Http.Features;

namespace OrleansRealtime.Gateway.Transports.WebSockets;

/// <summary>
/// Puts a <see cref="CoalescingStream"/> between <c>/ws</c>'s WebSocket and the connection. ASP.NET Core's WebSocket
/// middleware takes the request's <see cref="IHttpUpgradeFeature"/> when the request starts, so this middleware runs
/// before it and replaces the feature with one whose upgraded stream coalesces; the handshake (subprotocols,
/// permessage-deflate) stays the framework's. The transport finds the stream with <see cref="StreamOf"/>.
/// </summary>
internal static class CoalescingUpgrade
{
    public static IApplicationBuilder UseWebSocketWriteCoalescing(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (context.Request.Path.Equals(WebSocketTransport.Path, StringComparison.Ordinal)
                && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
                context.Features.Set<IHttpUpgradeFeature>(new Feature(upgrade));
            return next(context);
        });

    /// <summary>The coalescing stream of an upgraded <c>/ws</c> request; null if the request was not upgraded through it.</summary>
    public static CoalescingStream? StreamOf(HttpContext context) => (context.Features.Get<IHttpUpgradeFeature>() as Feature)?.Stream;

    private sealed class Feature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public CoalescingStream? Stream { get; private set; }

        public async Task<Stream> UpgradeAsync() => Stream = new CoalescingStream(await inner.UpgradeAsync());
    }
}
