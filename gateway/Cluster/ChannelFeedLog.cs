using Orleans.Streams;
using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>A channel (or an internal log of rooms, direct messages, presence) as a feed follows it: its channel grain and stream.</summary>
internal sealed class ChannelFeedLog(string channel, ClusterAccess cluster) : IFeedLog
{
    public string Name => channel;

    public FrameEncoder Encoder { get; } = FeedFrames.EncoderFor(channel);

    public async Task<FeedStreamHandle> SubscribeAsync(ChannelFeed feed)
    {
        var handle = await cluster.Client
            .GetStreamProvider(StreamNames.Provider)
            .GetStream<ChannelMessage>(StreamId.Create(StreamNames.Channel, channel))
            .SubscribeAsync(feed);
        return new FeedStreamHandle(handle.UnsubscribeAsync);
    }

    public ValueTask<ChannelPosition> GetPositionAsync() => cluster.GetPositionAsync(channel);

    public ValueTask<HistoryPage> ReadAsync(HistoryQuery query) => cluster.ReadHistoryAsync(channel, query);

    public ValueTask ReportSubscribersAsync(string gatewayId, int count) => cluster.Channel(channel).ReportSubscribersAsync(gatewayId, count);
}
