using Orleans.Concurrency;

namespace OrleansRealtime.Channels;

/// <summary>
/// The single writer of one channel: assigns offsets, appends each publication to the history store and only
/// then publishes it to the channel's Orleans stream (<see cref="StreamNames.Channel"/> namespace, key = channel).
/// Key: the channel name, already validated by <see cref="ChannelName"/>.
/// </summary>
[Alias("rt.IChannelGrain")]
public interface IChannelGrain : IGrainWithStringKey
{
    /// <summary>Publishes a message; completes once the history store holds it durably.</summary>
    [Alias("publish")]
    ValueTask<ChannelPosition> PublishAsync(PublishRequest request);

    /// <summary>
    /// Publishes several messages in one call (a gateway's group commit): consecutive offsets in the order given, one
    /// history append and one stream batch. Answers one result per request, in the same order; a request the grain
    /// refuses (e.g. without data) gets its error there and takes no offset. Completes once the history store holds
    /// every accepted message durably; a store failure fails the whole call.
    /// </summary>
    [Alias("publish-batch")]
    ValueTask<PublishResult[]> PublishBatchAsync(PublishRequest[] requests);

    /// <summary>Reads retained history after a position (recovery, gap filling, history frames).</summary>
    [Alias("read"), AlwaysInterleave]
    ValueTask<HistoryPage> ReadAsync(HistoryQuery query);

    /// <summary>The current top offset and epoch.</summary>
    [Alias("position"), AlwaysInterleave]
    ValueTask<ChannelPosition> GetPositionAsync();

    /// <summary>The channel's state for the admin API.</summary>
    [Alias("info"), AlwaysInterleave]
    ValueTask<ChannelInfo> GetInfoAsync();

    /// <summary>
    /// A gateway reports how many of its connections subscribe to this channel (0 removes it). Gateways report on
    /// change and refresh periodically; a report older than the configured lease is dropped, so a dead gateway's
    /// count disappears on its own.
    /// </summary>
    [Alias("report-subscribers"), AlwaysInterleave]
    ValueTask ReportSubscribersAsync(string gatewayId, int count);
}
