using OrleansRealtime.Gateway.Tests.Infrastructure;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary>A gateway that requires tokens: HS256 with a secret and RS256 with a PEM file and a JWKS file, no anonymous access.</summary>
public sealed class AuthFixture : GatewayFixture, IDisposable
{
    public const string ApiKey = "test-admin-key";

    private readonly string _directory = Directory.CreateTempSubdirectory("realtime-auth-").FullName;

    public TestTokens Tokens { get; } = new();

    /// <summary>A second key pair published only through the JWKS file.</summary>
    public System.Security.Cryptography.RSA JwksKey { get; } = System.Security.Cryptography.RSA.Create(2048);

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var pem = Path.Combine(_directory, "public.pem");
            File.WriteAllText(pem, Tokens.PublicKeyPem);
            var jwk = Microsoft.IdentityModel.Tokens.JsonWebKeyConverter.ConvertFromRSASecurityKey(
                new Microsoft.IdentityModel.Tokens.RsaSecurityKey(JwksKey.ExportParameters(includePrivateParameters: false)));
            var jwks = Path.Combine(_directory, "jwks.json");
            File.WriteAllText(jwks, $$"""{"keys":[{"kty":"RSA","use":"sig","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""");
            return new Dictionary<string, string?>
            {
                ["Realtime:Auth:AllowAnonymous"] = "false",
                ["Realtime:Auth:JwtSecret"] = TestTokens.Secret,
                ["Realtime:Auth:PublicKeys:0"] = pem,
                ["Realtime:Auth:JwksFile"] = jwks,
                ["Realtime:Auth:Issuer"] = TestTokens.Issuer,
                ["Realtime:Auth:Audience"] = TestTokens.Audience,
                ["Realtime:Auth:ClockSkewSeconds"] = "0",
                ["Realtime:Auth:AuthTimeoutSeconds"] = "2",
                ["Realtime:Limits:HeartbeatSeconds"] = "1",
                ["Realtime:Admin:ApiKey"] = ApiKey,
            };
        }
    }

    public void Dispose()
    {
        Tokens.Dispose();
        JwksKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
