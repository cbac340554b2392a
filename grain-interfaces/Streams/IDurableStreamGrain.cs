namespace OrleansRealtime.Streams;

/// <summary>
/// The single writer of one durable stream: creates and deletes it, assigns offsets, batches appends into store
/// writes, enforces retention and runs its consumer groups. Key: the stream id (its name), valid by
/// <see cref="Channels.ChannelName"/>. Every call but <see cref="CreateAsync"/> and <see cref="DeleteAsync"/> throws <see cref="StreamNotFoundException"/> when the stream does not exist; out-of-range arguments throw
/// <see cref="ArgumentException"/> with a message fit for the client.
/// </summary>
/// <remarks>
/// Every batch, once durable, is published to the stream's Orleans stream as a <see cref="StreamBatch"/>
/// (<see cref="StreamNames.Stream"/> namespace, key = stream id), in offset order: that is what live subscribers follow.
/// </remarks>
[Alias("rt.IDurableStreamGrain")]
public interface IDurableStreamGrain : IGrainWithStringKey
{
    /// <summary>Creates the stream, or reports that it exists with the same or other settings.</summary>
    [Alias("create")]
    ValueTask<StreamCreation> CreateAsync(StreamSettings settings);

    /// <summary>Deletes the stream, its events and its groups; false when it did not exist.</summary>
    [Alias("delete")]
    ValueTask<bool> DeleteAsync();

    /// <summary>
    /// Appends events (in order, with consecutive offsets); completes once the batch that holds them is durable in
    /// the store, and answers the first offset.
    /// </summary>
    [Alias("append")]
    ValueTask<long> AppendAsync(IReadOnlyList<NewStreamEvent> events);

    /// <summary>Reads retained events from offset <paramref name="from"/> on (inclusive), at most <paramref name="limit"/>.</summary>
    [Alias("read")]
    ValueTask<StreamPage> ReadAsync(long from, int limit);

    [Alias("describe")]
    ValueTask<StreamDescription> DescribeAsync();

    /// <summary>The last durable offset and the stream's epoch (its incarnation).</summary>
    [Alias("position")]
    ValueTask<Channels.ChannelPosition> GetPositionAsync();

    /// <summary>
    /// Reads durable events after offset <paramref name="after"/> (exclusive), at most <paramref name="limit"/> (capped
    /// by configuration), and says whether they continue that position in <paramref name="epoch"/> without a hole
    /// (recovery and gap filling of live subscribers).
    /// </summary>
    [Alias("read-after")]
    ValueTask<StreamReplay> ReadAfterAsync(long after, string? epoch, int limit);

    /// <summary>
    /// Hands up to <paramref name="count"/> events to <paramref name="consumer"/>: first events other consumers (or
    /// this one) left unacknowledged past the ack timeout, then events the group has not handed out yet. When there
    /// is none, waits up to <paramref name="blockMs"/> (capped by configuration) for new events. Creates the group
    /// on first use, positioned before the oldest retained event.
    /// </summary>
    [Alias("read-group")]
    ValueTask<IReadOnlyList<GroupDelivery>> ReadGroupAsync(string group, string consumer, int count, int blockMs);

    /// <summary>Acknowledges events of the group (whichever consumer holds them); answers how many were pending.</summary>
    [Alias("ack")]
    ValueTask<int> AckAsync(string group, string consumer, IReadOnlyList<long> offsets);

    /// <summary>A group's position and pending list; <see cref="StreamNotFoundException"/> also for an unknown group.</summary>
    [Alias("describe-group")]
    ValueTask<GroupDescription> DescribeGroupAsync(string group);
}
