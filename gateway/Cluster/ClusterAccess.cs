using OrleansRealtime.Gateway.Diagnostics;
using Orleans.Runtime;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// The one door from the gateway to the grains. Maps cluster failures to protocol errors: the cluster being
/// unreachable or slow is <c>unavailable</c> (the client may retry); anything else unexpected is <c>internal</c>.
/// </summary>
internal sealed partial class ClusterAccess(IClusterClient client, RealtimeMetrics metrics, ILogger<ClusterAccess> logger)
{
    private readonly PublishBatcher _publishes = new(channel => client.GetGrain<IChannelGrain>(channel), metrics.PublishCalled);

    public IClusterClient Client { get; } = client;

    public IChannelGrain Channel(string channel) => Client.GetGrain<IChannelGrain>(channel);

    /// <summary>
    /// Publishes through the gateway's group commit (<see cref="PublishBatcher"/>), inside a <c>publish</c> span;
    /// <paramref name="via"/> names the transport (or REST) it came by.
    /// </summary>
    public async ValueTask<ChannelPosition> PublishAsync(string channel, PublishRequest request, string via)
    {
        using var span = RealtimeActivities.StartPublish(channel, via);
        try
        {
            var queued = _publishes.PublishAsync(channel, RealtimeActivities.Traced(request, span));
            var position = await CallAsync(new ValueTask<ChannelPosition>(queued), "publish", channel);
            RealtimeActivities.Published(span, position);
            return position;
        }
        catch (Exception ex)
        {
            RealtimeActivities.Failed(span, ex);
            throw;
        }
    }

    public ValueTask<HistoryPage> ReadHistoryAsync(string channel, HistoryQuery query) =>
        CallAsync(Channel(channel).ReadAsync(query), "history", channel);

    public ValueTask<ChannelPosition> GetPositionAsync(string channel) =>
        CallAsync(Channel(channel).GetPositionAsync(), "position", channel);

    public ValueTask<ChannelInfo> GetInfoAsync(string channel) =>
        CallAsync(Channel(channel).GetInfoAsync(), "info", channel);

    private async ValueTask<T> CallAsync<T>(ValueTask<T> call, string operation, string target)
    {
        try
        {
            return await call;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            LogUnavailable(logger, ex, operation, target);
            throw new ProtocolException(ErrorCode.Unavailable, "the cluster is unavailable, retry shortly", ex);
        }
        catch (ArgumentException ex)
        {
            throw ProtocolException.BadRequest(ex.Message);
        }
    }

    /// <summary>Failures that say "the cluster could not be reached in time", not "the request was wrong".</summary>
    public static bool IsUnavailable(Exception ex) => ex is TimeoutException
        or SiloUnavailableException
        or OrleansMessageRejectionException
        or GatewayTooBusyException
        or Orleans.Runtime.Messaging.ConnectionFailedException
        or OperationCanceledException
        or ObjectDisposedException;

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning, Message = "Cluster call {Operation} on '{Target}' failed: cluster unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string operation, string target);
}
