using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Streams;

/// <summary>
/// Durable streams in the silo's memory (the embedded single-process mode and tests): "durable" for as long as the
/// process lives. Same semantics as <see cref="RedisStreamStore"/>, including the consumer groups of Redis Streams;
/// idle times of pending events are measured on the realtime clock.
/// </summary>
public sealed class MemoryStreamStore([FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock) : IStreamStore
{
    private static readonly StreamStats Unknown = new(0, 1, 0, []);
    private readonly ConcurrentDictionary<string, MemoryStreamLog> _streams = new(StringComparer.Ordinal);

    public ValueTask<StoredStream?> GetAsync(string stream, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_streams.TryGetValue(stream, out var log) ? log.Stored : null);

    public ValueTask<(bool Created, StoredStream Stream)> CreateAsync(string stream, StreamSettings settings, CancellationToken cancellationToken = default)
    {
        var created = new MemoryStreamLog(settings);
        var log = _streams.GetOrAdd(stream, created);
        return ValueTask.FromResult((ReferenceEquals(log, created), log.Stored));
    }

    public ValueTask<bool> DeleteAsync(string stream, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_streams.TryRemove(stream, out _));

    public ValueTask<IReadOnlyList<StreamListing>> ListAsync(CancellationToken cancellationToken = default)
    {
        var listings = _streams.Select(static pair => new StreamListing(pair.Key, pair.Value.Settings))
            .OrderBy(static listing => listing.Id, StringComparer.Ordinal)
            .ToList();
        return ValueTask.FromResult<IReadOnlyList<StreamListing>>(listings);
    }

    public ValueTask AppendAsync(string stream, IReadOnlyList<StreamEvent> events, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        if (!_streams.TryGetValue(stream, out var log))
            throw new StreamStoreConflictException($"Stream '{stream}': append refused; the store holds no such stream.");
        log.Append(stream, events, cut);
        return ValueTask.CompletedTask;
    }

    public ValueTask<StreamSlice> ReadAsync(string stream, long from, int limit, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ValueTask.FromResult(Log(stream).Read(from, limit, cut));
    }

    public ValueTask TrimAsync(string stream, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        if (_streams.TryGetValue(stream, out var log))
            log.Trim(cut);
        return ValueTask.CompletedTask;
    }

    public ValueTask<StreamStats> StatsAsync(string stream, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_streams.TryGetValue(stream, out var log) ? log.Stats() : Unknown);

    public ValueTask<IReadOnlyList<GroupDelivery>> ReadGroupAsync(
        string stream, string group, string consumer, int count, TimeSpan ackTimeout, RetentionCut cut, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return ValueTask.FromResult(Log(stream).ReadGroup(group, consumer, count, (long)ackTimeout.TotalMilliseconds, cut, NowMs()));
    }

    public ValueTask<int> AckAsync(string stream, string group, IReadOnlyList<long> offsets, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_streams.TryGetValue(stream, out var log) ? log.Ack(group, offsets) : 0);

    public ValueTask<GroupDescription?> DescribeGroupAsync(string stream, string group, int maxPending, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_streams.TryGetValue(stream, out var log) ? log.DescribeGroup(group, maxPending, NowMs()) : null);

    private MemoryStreamLog Log(string stream) =>
        _streams.TryGetValue(stream, out var log) ? log : throw new StreamNotFoundException($"stream '{stream}' does not exist");

    private long NowMs() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
