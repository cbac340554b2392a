using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// The log a <see cref="ChannelFeed"/> follows, seen as what the feed's ordering needs: records with gap-free offsets in
/// an epoch, a live Orleans stream of them, the log's position, and reads after a position. A channel (and the internal
/// logs of rooms, direct messages and presence) is one (<see cref="ChannelFeedLog"/>); a durable stream is another
/// (<see cref="StreamFeedLog"/>), so both get the same gap filling, recovery and encode-once fan-out.
/// </summary>
internal interface IFeedLog
{
    /// <summary>The log's name: the channel or stream id.</summary>
    string Name { get; }

    /// <summary>Writes the frame a subscriber gets for one record; called once per record per gateway.</summary>
    FrameEncoder Encoder { get; }

    /// <summary>Subscribes <paramref name="feed"/> to the log's live Orleans stream.</summary>
    Task<FeedStreamHandle> SubscribeAsync(ChannelFeed feed);

    /// <summary>The log's top offset and epoch.</summary>
    ValueTask<ChannelPosition> GetPositionAsync();

    /// <summary>Records after a position, with whether they continue it without a hole.</summary>
    ValueTask<HistoryPage> ReadAsync(HistoryQuery query);

    /// <summary>Tells the log how many local subscribers this gateway has, where the log keeps count.</summary>
    ValueTask ReportSubscribersAsync(string gatewayId, int count);
}

/// <summary>A feed's live stream subscription, whatever the type of the stream's items.</summary>
internal sealed class FeedStreamHandle(Func<Task> unsubscribe)
{
    public Task UnsubscribeAsync() => unsubscribe();
}
