using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>
/// Checks the <c>X-API-Key</c> header against <c>Realtime:Admin:ApiKey</c> in constant time: both sides are hashed
/// first, so neither the key's content nor its length leaks through timing.
/// </summary>
internal sealed class AdminApiKey(IOptions<AdminOptions> options)
{
    public const string Header = "X-API-Key";

    private readonly byte[]? _expected = options.Value.ApiKey is { Length: > 0 } key ? Hash(key) : null;

    public bool IsConfigured => _expected is not null;

    /// <summary>True when a key is configured and the request carries exactly it.</summary>
    public bool Matches(HttpRequest request) =>
        _expected is not null
        && request.Headers[Header] is { Count: 1 } values
        && CryptographicOperations.FixedTimeEquals(_expected, Hash(values[0] ?? string.Empty));

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
