using System.Text;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Admin;

namespace OrleansRealtime.Gateway.Hosting;

/// <summary>
/// What a gateway needs before it serves anyone, checked when it starts (<c>ValidateOnStart</c>): an HS256 secret is
/// long enough; with anonymous access off (the Production configuration) tokens must be verifiable (a secret, RS256
/// keys or a JWKS file) and the admin API must have a key. Production settings carry no default secrets, so a
/// deployment that forgot them refuses to start instead of running with every client and admin request refused.
/// </summary>
/// <remarks>The admin key belongs to <see cref="AdminOptions"/>, which has no validator of its own, so reading it here cannot fail.</remarks>
internal sealed class AuthOptionsValidator(IOptionsMonitor<AdminOptions> admin) : IValidateOptions<AuthOptions>
{
    public const int MinSecretBytes = 32;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.JwtSecret) && Encoding.UTF8.GetByteCount(options.JwtSecret) < MinSecretBytes)
            failures.Add($"{AuthOptions.Section}:JwtSecret must be at least {MinSecretBytes} bytes of UTF-8 for HS256.");

        if (!string.IsNullOrEmpty(options.JwksFile) && !File.Exists(options.JwksFile))
            failures.Add($"{AuthOptions.Section}:JwksFile '{options.JwksFile}' does not exist.");

        if (!options.AllowAnonymous)
        {
            if (!options.TokensConfigured)
            {
                failures.Add(
                    $"{AuthOptions.Section}:JwtSecret (HS256, at least {MinSecretBytes} bytes) or {AuthOptions.Section}:PublicKeys / {AuthOptions.Section}:JwksFile (RS256) "
                    + $"is required because anonymous access is off ({AuthOptions.Section}:AllowAnonymous=false): no client could authenticate.");
            }

            if (string.IsNullOrEmpty(admin.CurrentValue.ApiKey))
            {
                failures.Add(
                    $"{AdminOptions.Section}:ApiKey is required because anonymous access is off ({AuthOptions.Section}:AllowAnonymous=false): "
                    + "it is the X-API-Key of the /api admin routes.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
