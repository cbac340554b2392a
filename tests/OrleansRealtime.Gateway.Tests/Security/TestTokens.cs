using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary>Signs test tokens with the same library the gateway validates with: HS256 with a secret, RS256 with a key pair.</summary>
public sealed class TestTokens : IDisposable
{
    public const string Secret = "a-test-secret-that-is-long-enough-for-hs256";
    public const string Issuer = "https://issuer.test";
    public const string Audience = "orleans-realtime";

    private readonly JsonWebTokenHandler _handler = new();

    public RSA Rsa { get; } = RSA.Create(2048);

    public string PublicKeyPem => Rsa.ExportSubjectPublicKeyInfoPem();

    public string Hs256(string sub, TimeSpan? lifetime = null, IDictionary<string, object>? claims = null, string? issuer = Issuer, string? audience = Audience, DateTime? notBefore = null, string secret = Secret) =>
        Create(sub, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256), lifetime, claims, issuer, audience, notBefore);

    public string Rs256(string sub, TimeSpan? lifetime = null, IDictionary<string, object>? claims = null, RSA? key = null) =>
        Create(sub, new SigningCredentials(new RsaSecurityKey(key ?? Rsa), SecurityAlgorithms.RsaSha256), lifetime, claims, Issuer, Audience, notBefore: null);

    /// <summary>An unsigned token (<c>alg: none</c>), which must never be accepted.</summary>
    public static string AlgNone(string sub)
    {
        static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{Encode("""{"alg":"none","typ":"JWT"}""")}.{Encode($$"""{"sub":"{{sub}}","exp":{{exp}},"iss":"{{Issuer}}","aud":"{{Audience}}"}""")}.";
    }

    private string Create(string sub, SigningCredentials credentials, TimeSpan? lifetime, IDictionary<string, object>? claims, string? issuer, string? audience, DateTime? notBefore)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", sub)]),
            Claims = claims,
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-1) : now,
            NotBefore = notBefore ?? (expires < now ? expires.AddMinutes(-1) : now),
            Expires = expires,
            SigningCredentials = credentials,
        });
    }

    public void Dispose() => Rsa.Dispose();
}
