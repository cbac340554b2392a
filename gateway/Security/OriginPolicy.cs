using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Hosting;

namespace OrleansRealtime.Gateway.Security;

/// <summary>
/// <c>Realtime:AllowedOrigins</c>: the browser origins allowed to open WebSocket, SSE and hub connections (and, through
/// CORS, to call the HTTP transports and REST). <c>*</c> (or no list at all) allows any. A request without an <c>Origin</c> header is not
/// from a browser page and is allowed: the check protects users' browsers from other sites, not the gateway from
/// clients (tokens do that).
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _allowed;

    public OriginPolicy(IOptions<GatewayOptions> options)
    {
        _allowed = new HashSet<string>(options.Value.AllowedOrigins.Select(o => o.Trim().TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        AllowsAny = _allowed.Count == 0 || _allowed.Contains("*");
    }

    public bool AllowsAny { get; }

    public IEnumerable<string> Origins => _allowed;

    public bool IsAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return AllowsAny || origin.Length == 0 || _allowed.Contains(origin);
    }
}
