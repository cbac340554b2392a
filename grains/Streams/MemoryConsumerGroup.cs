namespace OrleansRealtime.Streams;

/// <summary>A consumer group of <see cref="MemoryStreamLog"/>, under its log's lock: position, pending list, consumers.</summary>
internal sealed class MemoryConsumerGroup
{
    private readonly SortedDictionary<long, Pending> _pending = [];
    private readonly HashSet<string> _consumers = new(StringComparer.Ordinal);

    /// <summary>The newest offset the group handed out.</summary>
    public long LastDelivered { get; private set; }

    /// <summary>
    /// Claims for <paramref name="consumer"/> up to <paramref name="count"/> pending events last delivered at or before
    /// <paramref name="idleCutoffMs"/>, oldest offset first, as XAUTOCLAIM does: each claimed event's delivery count
    /// grows by one; pending events already trimmed from the log (below <paramref name="firstOffset"/>) are dropped.
    /// </summary>
    public List<long> ClaimIdle(string consumer, int count, long idleCutoffMs, long nowMs, long firstOffset)
    {
        var claimed = new List<long>();
        List<long>? gone = null;
        foreach (var (offset, pending) in _pending)
        {
            if (claimed.Count == count)
                break;
            if (pending.DeliveredAtMs > idleCutoffMs)
                continue;
            if (offset < firstOffset)
            {
                (gone ??= []).Add(offset);
                continue;
            }

            claimed.Add(offset);
        }

        foreach (var offset in gone ?? [])
            _pending.Remove(offset);
        foreach (var offset in claimed)
        {
            var previous = _pending[offset];
            _pending[offset] = new Pending(consumer, previous.DeliveryCount + 1, nowMs);
        }

        return claimed;
    }

    public int DeliveryCount(long offset) => _pending[offset].DeliveryCount;

    public void Deliver(long offset, string consumer, long nowMs)
    {
        _pending[offset] = new Pending(consumer, 1, nowMs);
        LastDelivered = offset;
    }

    public void Seen(string consumer) => _consumers.Add(consumer);

    public int Ack(IReadOnlyList<long> offsets)
    {
        var acked = 0;
        foreach (var offset in offsets)
        {
            if (_pending.Remove(offset))
                acked++;
        }

        return acked;
    }

    public GroupSummary Summary(string name) => new(name, LastDelivered, _pending.Count, _consumers.Count);

    public GroupDescription Describe(string name, int maxPending, long nowMs)
    {
        var listed = _pending.Take(maxPending)
            .Select(pair => new PendingEvent(pair.Key, pair.Value.Consumer, pair.Value.DeliveryCount, Math.Max(0, nowMs - pair.Value.DeliveredAtMs)))
            .ToList();
        return new GroupDescription(name, LastDelivered, _pending.Count, listed);
    }

    private readonly record struct Pending(string Consumer, int DeliveryCount, long DeliveredAtMs);
}
