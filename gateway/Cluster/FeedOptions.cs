using System.ComponentModel.DataAnnotations;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>Upkeep of the gateway's channel feeds, bound from <c>Realtime:Feeds</c>.</summary>
public sealed class FeedOptions
{
    public const string Section = "Realtime:Feeds";

    /// <summary>
    /// A feed with no delivery for this long checks the channel's position, catching a lost last stream event
    /// (which no later event would reveal). Lower repairs sooner and costs one grain call per quiet feed per period.
    /// </summary>
    [Range(1, 3600)]
    public int AuditSeconds { get; set; } = 5;

    /// <summary>How often a gateway renews its subscriber counts on its channels (well within their 90 s lease).</summary>
    [Range(1, 3600)]
    public int ReportSeconds { get; set; } = 30;
}
