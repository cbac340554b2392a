using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Security;

/// <summary>
/// Decides who a new connection belongs to. Today that is anonymous mode only (<c>Realtime:Auth:AllowAnonymous</c>):
/// a random user id, or the one named by <c>?user=</c> (a development convenience). JWT authentication plugs in here.
/// </summary>
internal sealed class ClientIdentityResolver(IOptions<AuthOptions> options)
{
    public string Resolve(HttpContext context)
    {
        if (!options.Value.AllowAnonymous)
            throw new ProtocolException(ErrorCode.Unauthorized, "this gateway requires a token and anonymous access is off (Realtime:Auth:AllowAnonymous)");

        var named = context.Request.Query["user"].ToString();
        if (named.Length == 0)
            return "anon-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        if (!ChannelName.IsValid(named))
            throw ProtocolException.BadRequest($"invalid user id '{named}'");
        return named;
    }
}
