using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Security;

/// <summary>
/// Decides who a new connection belongs to, from its handshake: a token (<c>?access_token=</c>, <c>?token=</c>,
/// <c>Authorization: Bearer</c>, or the WebSocket subprotocol <c>access_token.&lt;jwt&gt;</c>) is validated and wins;
/// without one, anonymous mode (<c>Realtime:Auth:AllowAnonymous</c>) gives a random user id or the one named by
/// <c>?user=</c>; otherwise the connection opens unauthenticated and must send an <c>auth</c> frame first.
/// </summary>
internal sealed class ClientIdentityResolver(IOptions<AuthOptions> options, TokenValidator tokens)
{
    /// <summary>The WebSocket subprotocol prefix that carries a token (browsers cannot set headers on WebSockets).</summary>
    public const string SubProtocolPrefix = "access_token.";

    /// <summary>The identity of the handshake; null when the client must authenticate with an <c>auth</c> frame.</summary>
    public async Task<ClientIdentity?> ResolveAsync(HttpContext context)
    {
        var request = context.Request;
        if (FindToken(request) is { } token)
            return await tokens.ValidateAsync(token);

        var named = request.Query["user"].ToString();
        if (!options.Value.AllowAnonymous)
        {
            if (named.Length > 0)
                throw ProtocolException.BadRequest("'?user=' is only accepted in anonymous mode (Realtime:Auth:AllowAnonymous)");
            return null;
        }

        if (named.Length == 0)
            return new ClientIdentity("anon-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), Grants.Anonymous, ExpiresAt: null);
        if (!ChannelName.IsValid(named))
            throw ProtocolException.BadRequest($"invalid user id '{(named.Length > 64 ? named[..64] + "…" : named)}'");
        return new ClientIdentity(named, Grants.Anonymous, ExpiresAt: null);
    }

    /// <summary>
    /// For requests that act as an existing connection (<c>POST /sse/{id}</c>, <c>/poll/{id}</c>): a connection that
    /// belongs to a token's user only accepts requests carrying a valid token of the same user.
    /// </summary>
    public async Task RequireSameUserAsync(HttpRequest request, ClientIdentity? owner)
    {
        if (owner is null or { IsAnonymous: true })
            return;
        var token = FindToken(request) ?? throw new ProtocolException(ErrorCode.Unauthorized, "this connection belongs to an authenticated user: send the token with the request");
        var caller = await tokens.ValidateAsync(token);
        if (caller.UserId != owner.UserId)
            throw new ProtocolException(ErrorCode.Forbidden, "the token is not the connection owner's");
    }

    /// <summary>The token a request carries, wherever it carries it; null when none.</summary>
    public static string? FindToken(HttpRequest request)
    {
        foreach (var name in (ReadOnlySpan<string>)["access_token", "token"])
        {
            if (request.Query[name].ToString() is { Length: > 0 } fromQuery)
                return fromQuery;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();

        return SubProtocolToken(request) is { } protocol ? protocol[SubProtocolPrefix.Length..] : null;
    }

    /// <summary>The offered WebSocket subprotocol that carries a token (<c>access_token.&lt;jwt&gt;</c>), if any.</summary>
    public static string? SubProtocolToken(HttpRequest request)
    {
        foreach (var value in request.Headers.SecWebSocketProtocol)
        {
            foreach (var offered in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (offered.StartsWith(SubProtocolPrefix, StringComparison.Ordinal))
                    return offered;
            }
        }

        return null;
    }
}
