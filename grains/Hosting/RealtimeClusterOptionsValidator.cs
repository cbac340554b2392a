using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansRealtime.Hosting;

/// <summary>
/// Refuses a cluster configuration that cannot work, naming the configuration keys to set, when the host starts
/// (registered with <c>ValidateOnStart</c>): a silo or gateway on Redis without a connection string would otherwise
/// start and fail on its first Redis call, far from the cause.
/// </summary>
internal sealed class RealtimeClusterOptionsValidator : IValidateOptions<RealtimeClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, RealtimeClusterOptions options)
    {
        var failures = new List<string>();
        var needsRedis = options.Clustering == ClusteringMode.Redis ? "Orleans:Clustering=Redis"
            : options.EffectiveStorage == StorageMode.Redis ? "Orleans:Storage=Redis"
            : null;
        if (needsRedis is not null && string.IsNullOrWhiteSpace(options.RedisConnectionString))
            failures.Add($"ConnectionStrings:Redis is required because {needsRedis} (e.g. ConnectionStrings__Redis=redis:6379).");

        if (!string.IsNullOrWhiteSpace(options.AdvertisedIP) && !IPAddress.TryParse(options.AdvertisedIP, out _))
            failures.Add($"Orleans:AdvertisedIP '{options.AdvertisedIP}' is not an IP address.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
