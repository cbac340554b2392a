using OrleansRealtime.Channels;

namespace OrleansRealtime.History;

public sealed class MemoryHistoryStore : IHistoryStore
{
    public ValueTask<StreamPosition> OpenAsync(string channel, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public ValueTask AppendAsync(ChannelMessage message, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public ValueTask<HistorySlice> ReadAsync(string channel, long after, int limit, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public ValueTask<int> CountAsync(string channel, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
