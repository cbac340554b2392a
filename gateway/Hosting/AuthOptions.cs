using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Gateway.Hosting;

/// <summary>Authentication, bound from <c>Realtime:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Realtime:Auth";

    /// <summary>Clients without a token get a random user id, or the one they name with <c>?user=</c>.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The HS256 secret (at least 32 bytes of UTF-8); tokens signed with it are accepted.</summary>
    public string? JwtSecret { get; set; }

    /// <summary>RS256 public keys: PEM text, or paths of PEM files. Tokens signed by the matching private keys are accepted.</summary>
    public string[] PublicKeys { get; set; } = [];

    /// <summary>A JWKS file (JSON web key set) of RS256 public keys, e.g. the one an identity provider publishes.</summary>
    public string? JwksFile { get; set; }

    /// <summary>When set, tokens must carry this <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>When set, tokens must carry this <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>Clock difference tolerated when checking <c>exp</c> and <c>nbf</c>.</summary>
    [Range(0, 300)]
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>A connection opened without a token must send an <c>auth</c> frame within this time.</summary>
    [Range(1, 300)]
    public int AuthTimeoutSeconds { get; set; } = 10;

    /// <summary>True when tokens can be validated at all (a secret or public keys are configured).</summary>
    public bool TokensConfigured => !string.IsNullOrEmpty(JwtSecret) || PublicKeys.Length > 0 || !string.IsNullOrEmpty(JwksFile);
}
