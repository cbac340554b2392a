using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.History;

/// <summary>
/// History in the silo's memory (the embedded single-process mode and tests). It lives as long as the process: a
/// restarted silo opens every channel with a new epoch, which tells clients that recovery is impossible.
/// </summary>
/// <remarks>
/// Reads and counts of a channel that was never opened answer an empty slice without creating the channel, so a
/// history request for an unknown name costs no memory. Expired messages are removed by whichever operation meets them.
/// </remarks>
public sealed class MemoryHistoryStore(
    IOptions<HistoryOptions> options,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock) : IHistoryStore
{
    private static readonly HistorySlice Unknown = new(string.Empty, 0, 1, []);
    private readonly ConcurrentDictionary<string, MemoryChannelLog> _channels = new(StringComparer.Ordinal);
    private readonly HistoryOptions _options = options.Value;

    public ValueTask<ChannelPosition> OpenAsync(string channel, CancellationToken cancellationToken = default)
    {
        var log = _channels.GetOrAdd(channel, static (_, size) => new MemoryChannelLog(HistoryEpoch.New(), size), _options.Size);
        return ValueTask.FromResult(log.Position);
    }

    public ValueTask AppendAsync(ChannelMessage message, CancellationToken cancellationToken = default) =>
        AppendBatchAsync([message], cancellationToken);

    public ValueTask AppendBatchAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(messages.Count);
        var first = messages[0];
        if (!_channels.TryGetValue(first.Channel, out var log))
        {
            throw new HistoryConflictException(
                $"Channel '{first.Channel}': append of offset {first.Offset} in epoch '{first.Epoch}' refused; the store holds no log for it.");
        }

        log.Append(messages, _options.ExpiryCutoffMs(clock));
        return ValueTask.CompletedTask;
    }

    public ValueTask<HistorySlice> ReadAsync(string channel, long after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return ValueTask.FromResult(
            _channels.TryGetValue(channel, out var log) ? log.Read(after, limit, _options.ExpiryCutoffMs(clock)) : Unknown);
    }

    public ValueTask<int> CountAsync(string channel, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_channels.TryGetValue(channel, out var log) ? log.Count(_options.ExpiryCutoffMs(clock)) : 0);
}
