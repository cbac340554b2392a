using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Security;

/// <summary>
/// Who may use the admin REST API (every <c>/api/*</c> route, and <c>/metrics</c> when protected): a request with the
/// configured <c>X-API-Key</c> (compared in constant time), or a valid token with <c>role: admin</c>. A valid token
/// without the role is <c>forbidden</c> (403); no credentials are <c>unauthorized</c> (401). The one exception is the
/// development default: with anonymous access on and no API key configured, the API is open.
/// </summary>
internal sealed class AdminAccess(AdminApiKey apiKey, TokenValidator tokens, IOptions<AuthOptions> auth)
{
    private readonly bool _open = auth.Value.AllowAnonymous && !apiKey.IsConfigured;

    /// <summary>
    /// Null when the request may administer; otherwise the problem that refuses it. <paramref name="explicitlyProtected"/>
    /// (e.g. <c>/metrics</c> with <c>ProtectMetrics</c>) never takes the development default's open door.
    /// </summary>
    public async Task<ProtocolException?> CheckAsync(HttpRequest request, bool explicitlyProtected = false)
    {
        if (apiKey.Matches(request))
            return null;

        if (ClientIdentityResolver.FindToken(request) is { } token)
        {
            try
            {
                var identity = await tokens.ValidateAsync(token);
                return identity.Grants.IsAdmin ? null : new ProtocolException(ErrorCode.Forbidden, "this route needs a token with role 'admin'");
            }
            catch (ProtocolException ex)
            {
                return ex;
            }
        }

        return _open && !explicitlyProtected
            ? null
            : new ProtocolException(ErrorCode.Unauthorized, $"this route needs an admin token (role 'admin') or the API key in {AdminApiKey.Header}");
    }

    /// <summary>For middleware branches guarding something explicitly protected: writes the problem and returns false when refused.</summary>
    public async Task<bool> RequireAsync(HttpContext context)
    {
        if (await CheckAsync(context.Request, explicitlyProtected: true) is not { } refused)
            return true;
        await Problems.WriteAsync(context, refused.Code, refused.Message);
        return false;
    }
}

/// <summary>Applies <see cref="AdminAccess"/> to an endpoint group.</summary>
internal sealed class AdminAccessFilter(AdminAccess access) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await access.CheckAsync(context.HttpContext.Request) is { } refused ? Problems.For(refused) : await next(context);
}
