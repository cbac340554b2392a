namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// When a pure-client gateway regains its connection to the cluster, every channel and stream feed subscribes to its Orleans stream
/// again and catches up from history: while the gateway was unreachable, a (restarted) silo may have dropped its
/// stream consumers for good, and nothing else would bring the live stream back.
/// </summary>
/// <remarks>
/// Resolved by the Orleans client while it is being built, so the feed registry (which needs the client) is looked
/// up when a notification arrives, not injected.
/// </remarks>
internal sealed partial class ClusterConnectionObserver(IServiceProvider services, ILogger<ClusterConnectionObserver> logger) : IClusterConnectionStatusObserver
{
    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (!connectionRecovered && (previousNumberOfGateways > 0 || currentNumberOfGateways == 0))
            return;

        LogRecovered(logger, currentNumberOfGateways);
        _ = services.GetRequiredService<ChannelFeedRegistry>().ResubscribeAllAsync();
        _ = services.GetRequiredService<StreamFeedRegistry>().ResubscribeAllAsync();
    }

    public void NotifyClusterConnectionLost() => LogLost(logger);

    [LoggerMessage(EventId = 1220, Level = LogLevel.Warning, Message = "Lost the connection to the cluster")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Information, Message = "Connection to the cluster restored ({Gateways} gateways): resubscribing channel feeds")]
    private static partial void LogRecovered(ILogger logger, int gateways);
}
