using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Security;

/// <summary>
/// Validates JWTs with Microsoft.IdentityModel: HS256 with <c>Realtime:Auth:JwtSecret</c>, RS256 with the configured
/// public keys (PEM or a JWKS file); signature, issuer and audience when configured, lifetime with a small clock
/// skew. Only those two algorithms are accepted, so <c>alg: none</c> and algorithm confusion are refused.
/// </summary>
internal sealed class TokenValidator
{
    /// <summary>Tokens longer than this are refused unread.</summary>
    public const int MaxTokenLength = 16 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters? _parameters;
    private readonly TokenValidationParameters? _ignoringLifetime;
    private readonly TimeProvider _time;

    public TokenValidator(IOptions<AuthOptions> options, TimeProvider time)
    {
        _time = time;
        var auth = options.Value;
        var keys = new List<SecurityKey>();
        if (!string.IsNullOrEmpty(auth.JwtSecret))
        {
            // AuthOptionsValidator has refused a secret shorter than HS256 needs before anything resolves this.
            keys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.JwtSecret)));
        }

        foreach (var key in auth.PublicKeys)
            keys.Add(ReadPem(key));
        if (!string.IsNullOrEmpty(auth.JwksFile))
            keys.AddRange(new JsonWebKeySet(File.ReadAllText(auth.JwksFile)).GetSigningKeys());

        if (keys.Count == 0)
            return;

        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256],
            ValidateIssuer = !string.IsNullOrEmpty(auth.Issuer),
            ValidIssuer = auth.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(auth.Audience),
            ValidAudience = auth.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(auth.ClockSkewSeconds),
            LifetimeValidator = ValidateLifetime,
            NameClaimType = "sub",
        };
        _ignoringLifetime = _parameters.Clone();
        _ignoringLifetime.ValidateLifetime = false;
        _ignoringLifetime.LifetimeValidator = null;
    }

    /// <summary>
    /// Validates a token: its identity, or <c>unauthorized</c> naming what is wrong (the reason is safe to show; it
    /// never includes key material).
    /// </summary>
    public Task<ClientIdentity> ValidateAsync(string token) => ValidateAsync(token, _parameters);

    /// <summary>
    /// Validates signature, issuer and audience but not lifetime: for requests that only prove they come from a
    /// connection's owner, whose connection the session itself closes when its token expires.
    /// </summary>
    public Task<ClientIdentity> ValidateOwnerAsync(string token) => ValidateAsync(token, _ignoringLifetime);

    private async Task<ClientIdentity> ValidateAsync(string token, TokenValidationParameters? parameters)
    {
        if (parameters is null)
            throw new ProtocolException(ErrorCode.Unauthorized, "this gateway has no token keys configured (Realtime:Auth:JwtSecret, PublicKeys or JwksFile)");
        if (token.Length > MaxTokenLength)
            throw new ProtocolException(ErrorCode.Unauthorized, $"token is longer than {MaxTokenLength} characters");

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
            throw new ProtocolException(ErrorCode.Unauthorized, Describe(result.Exception));

        var jwt = (JsonWebToken)result.SecurityToken;
        var subject = jwt.Subject;
        if (string.IsNullOrEmpty(subject) || !ChannelName.IsValid(subject))
            throw new ProtocolException(ErrorCode.Unauthorized, "token has no valid 'sub' (the user id)");

        return new ClientIdentity(subject, Grants.FromClaims(jwt.Claims), new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is null)
            throw new SecurityTokenNoExpirationException("token has no expiry ('exp')");
        if (notBefore is { } nbf && nbf > now + parameters.ClockSkew)
            throw new SecurityTokenNotYetValidException("token is not valid yet ('nbf' is in the future)");
        if (expires.Value < now - parameters.ClockSkew)
            throw new SecurityTokenExpiredException("token has expired");
        return true;
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "token has expired",
        SecurityTokenNotYetValidException => "token is not valid yet ('nbf' is in the future)",
        SecurityTokenNoExpirationException => "token has no expiry ('exp')",
        SecurityTokenInvalidIssuerException => "token has the wrong issuer",
        SecurityTokenInvalidAudienceException => "token has the wrong audience",
        SecurityTokenInvalidAlgorithmException => "token is signed with an algorithm this gateway does not accept (HS256, RS256)",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "token signature is invalid",
        SecurityTokenMalformedException or ArgumentException => "token is malformed",
        _ => "token is invalid",
    };

    private static RsaSecurityKey ReadPem(string value)
    {
        var pem = value.Contains("-----BEGIN", StringComparison.Ordinal) ? value : File.ReadAllText(value);
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa);
    }
}
