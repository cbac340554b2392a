using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Streams;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>Durable stream calls: the same error mapping, plus <see cref="StreamNotFoundException"/> → <c>not_found</c>.</summary>
internal sealed partial class ClusterAccess
{
    public IDurableStreamGrain Stream(string id) => Client.GetGrain<IDurableStreamGrain>(id);

    public ValueTask<IReadOnlyList<StreamListing>> ListStreamsAsync() =>
        CallAsync(Client.GetGrain<IStreamCatalogGrain>(0).ListAsync(), "stream-list", "*");

    public ValueTask<StreamCreation> CreateStreamAsync(string id, StreamSettings settings) =>
        StreamCallAsync(Stream(id).CreateAsync(settings), "stream-create", id);

    public ValueTask<bool> DeleteStreamAsync(string id) => StreamCallAsync(Stream(id).DeleteAsync(), "stream-delete", id);

    public ValueTask<StreamDescription> DescribeStreamAsync(string id) => StreamCallAsync(Stream(id).DescribeAsync(), "stream-describe", id);

    public ValueTask<long> AppendAsync(string id, IReadOnlyList<NewStreamEvent> events) =>
        StreamCallAsync(Stream(id).AppendAsync(events), "stream-append", id);

    public ValueTask<Channels.ChannelPosition> StreamPositionAsync(string id) => StreamCallAsync(Stream(id).GetPositionAsync(), "stream-position", id);

    public ValueTask<StreamReplay> ReadStreamAfterAsync(string id, long after, string? epoch, int limit) =>
        StreamCallAsync(Stream(id).ReadAfterAsync(after, epoch, limit), "stream-read-after", id);

    public ValueTask<StreamPage> ReadStreamAsync(string id, long from, int limit) =>
        StreamCallAsync(Stream(id).ReadAsync(from, limit), "stream-read", id);

    public ValueTask<IReadOnlyList<GroupDelivery>> ReadGroupAsync(string id, string group, string consumer, int count, int blockMs) =>
        StreamCallAsync(Stream(id).ReadGroupAsync(group, consumer, count, blockMs), "group-read", id);

    public ValueTask<int> AckAsync(string id, string group, string consumer, IReadOnlyList<long> offsets) =>
        StreamCallAsync(Stream(id).AckAsync(group, consumer, offsets), "group-ack", id);

    public ValueTask<GroupDescription> DescribeGroupAsync(string id, string group) =>
        StreamCallAsync(Stream(id).DescribeGroupAsync(group), "group-describe", id);

    private async ValueTask<T> StreamCallAsync<T>(ValueTask<T> call, string operation, string stream)
    {
        try
        {
            return await CallAsync(call, operation, stream);
        }
        catch (StreamNotFoundException ex)
        {
            throw new ProtocolException(ErrorCode.NotFound, ex.Message, ex);
        }
    }
}
