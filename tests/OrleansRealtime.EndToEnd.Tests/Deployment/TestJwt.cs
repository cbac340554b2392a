using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>An HS256 token, signed here so a test proves the gateway verifies tokens with the secret it was deployed with.</summary>
internal static class TestJwt
{
    public static string Hs256(string secret, string subject, TimeSpan lifetime)
    {
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT" };
        var payload = new JsonObject { ["sub"] = subject, ["exp"] = DateTimeOffset.UtcNow.Add(lifetime).ToUnixTimeSeconds() };
        var unsigned = $"{Encode(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()))}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Encode(signature)}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
