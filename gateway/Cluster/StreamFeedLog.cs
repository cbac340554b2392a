using Orleans.Streams;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Streams;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// A durable stream as a feed follows it: the stream grain's durable batches arrive on the stream's Orleans stream
/// (<see cref="StreamNames.Stream"/>) and are handed to the feed one event at a time, as records of a log whose epoch is
/// the stream's incarnation; recovery and gap filling read the stream's store through the grain. Its records become
/// <c>event</c> frames.
/// </summary>
internal sealed class StreamFeedLog(string stream, ClusterAccess cluster) : IFeedLog
{
    public string Name => stream;

    public FrameEncoder Encoder { get; } = message => FrameWriter.StreamEvent(stream, message);

    public async Task<FeedStreamHandle> SubscribeAsync(ChannelFeed feed)
    {
        var handle = await cluster.Client
            .GetStreamProvider(StreamNames.Provider)
            .GetStream<StreamBatch>(StreamId.Create(StreamNames.Stream, stream))
            .SubscribeAsync(new BatchObserver(feed));
        return new FeedStreamHandle(handle.UnsubscribeAsync);
    }

    public ValueTask<ChannelPosition> GetPositionAsync() => cluster.StreamPositionAsync(stream);

    public async ValueTask<HistoryPage> ReadAsync(HistoryQuery query)
    {
        var replay = await cluster.ReadStreamAfterAsync(stream, query.After, query.Epoch, query.Limit);
        var records = new List<ChannelMessage>(replay.Events.Count);
        foreach (var e in replay.Events)
            records.Add(Record(stream, replay.Epoch, e));
        return new HistoryPage(replay.Epoch, replay.LastOffset, records, replay.More, replay.Continuous);
    }

    /// <summary>Streams keep no per-gateway subscriber counts.</summary>
    public ValueTask ReportSubscribersAsync(string gatewayId, int count) => ValueTask.CompletedTask;

    /// <summary>An event as a record of the feed's log: no sender, normal priority, the event name in <see cref="ChannelMessage.Event"/>.</summary>
    private static ChannelMessage Record(string stream, string epoch, StreamEvent e) =>
        new(stream, e.Offset, epoch, e.Data, From: null, e.TimestampMs, MessagePriority.Normal, e.Event);

    /// <summary>Unpacks a batch into the feed, in offset order; the feed drops what it has and fills what it lacks.</summary>
    private sealed class BatchObserver(ChannelFeed feed) : IAsyncObserver<StreamBatch>
    {
        public async Task OnNextAsync(StreamBatch item, StreamSequenceToken? token = null)
        {
            foreach (var e in item.Events)
                await feed.OnNextAsync(Record(item.Stream, item.Epoch, e));
        }

        public Task OnCompletedAsync() => feed.OnCompletedAsync();

        public Task OnErrorAsync(Exception ex) => feed.OnErrorAsync(ex);
    }
}
