namespace OrleansRealtime.Streams;

/// <summary>One stream of <see cref="MemoryStreamStore"/>: its events and groups; every member runs under its own lock.</summary>
internal sealed class MemoryStreamLog(StreamSettings settings)
{
    private readonly Lock _lock = new();
    private readonly List<StreamEvent> _events = [];
    private readonly SortedDictionary<string, MemoryConsumerGroup> _groups = new(StringComparer.Ordinal);
    private int _head;
    private long _last;

    public StreamSettings Settings { get; } = settings;

    /// <summary>This incarnation of the stream: a stream created again under the same name is another log, with another epoch.</summary>
    public string Epoch { get; } = History.HistoryEpoch.New();

    public StoredStream Stored
    {
        get
        {
            lock (_lock)
                return new StoredStream(Settings, _last, Epoch);
        }
    }

    private int Count => _events.Count - _head;

    public void Append(string stream, IReadOnlyList<StreamEvent> events, RetentionCut cut)
    {
        lock (_lock)
        {
            // The fence: only the single writer that knows the last offset may append.
            if (events.Count == 0 || events[0].Offset != _last + 1)
            {
                throw new StreamStoreConflictException(
                    $"Stream '{stream}': append at offset {(events.Count > 0 ? events[0].Offset : 0)} refused; the store is at offset {_last}.");
            }

            _events.AddRange(events);
            _last = events[^1].Offset;
            TrimLocked(cut);
        }
    }

    public StreamSlice Read(long from, int limit, RetentionCut cut)
    {
        lock (_lock)
        {
            TrimLocked(cut);
            var start = StartIndex(from);
            var count = Math.Min(limit, _events.Count - start);
            return new StreamSlice(_last, _events.GetRange(start, count));
        }
    }

    public void Trim(RetentionCut cut)
    {
        lock (_lock)
            TrimLocked(cut);
    }

    public StreamStats Stats()
    {
        lock (_lock)
        {
            var groups = _groups.Select(static pair => pair.Value.Summary(pair.Key)).ToList();
            return new StreamStats(Count, FirstOffset, _last, groups);
        }
    }

    public IReadOnlyList<GroupDelivery> ReadGroup(string groupName, string consumer, int count, long ackTimeoutMs, RetentionCut cut, long nowMs)
    {
        lock (_lock)
        {
            TrimLocked(cut);
            if (!_groups.TryGetValue(groupName, out var group))
                _groups[groupName] = group = new MemoryConsumerGroup();

            var deliveries = new List<GroupDelivery>(Math.Min(count, 64));
            foreach (var offset in group.ClaimIdle(consumer, count, nowMs - ackTimeoutMs, nowMs, FirstOffset))
            {
                deliveries.Add(new GroupDelivery(EventAt(offset), group.DeliveryCount(offset)));
            }

            var start = StartIndex(group.LastDelivered + 1);
            for (var i = start; i < _events.Count && deliveries.Count < count; i++)
            {
                var next = _events[i];
                group.Deliver(next.Offset, consumer, nowMs);
                deliveries.Add(new GroupDelivery(next, 1));
            }

            group.Seen(consumer);
            return deliveries;
        }
    }

    public int Ack(string groupName, IReadOnlyList<long> offsets)
    {
        lock (_lock)
            return _groups.TryGetValue(groupName, out var group) ? group.Ack(offsets) : 0;
    }

    public GroupDescription? DescribeGroup(string groupName, int maxPending, long nowMs)
    {
        lock (_lock)
            return _groups.TryGetValue(groupName, out var group) ? group.Describe(groupName, maxPending, nowMs) : null;
    }

    private long FirstOffset => Count == 0 ? _last + 1 : _events[_head].Offset;

    private StreamEvent EventAt(long offset) => _events[_head + (int)(offset - FirstOffset)];

    // Retained offsets are consecutive, so the index of an offset is found by arithmetic.
    private int StartIndex(long from) => _head + (int)Math.Clamp(from - FirstOffset, 0, Count);

    // Retention removes a prefix (see IStreamStore), which is also what keeps the offset arithmetic valid.
    private void TrimLocked(RetentionCut cut)
    {
        if (cut.MaxEvents > 0 && Count > cut.MaxEvents)
            _head += (int)(Count - cut.MaxEvents);
        while (Count > 0 && _events[_head].TimestampMs <= cut.AgeCutoffMs)
            _head++;

        // Compact once the dead prefix outweighs the live events: amortized O(1) per trimmed event.
        if (_head > 0 && _head >= Count)
        {
            _events.RemoveRange(0, _head);
            _head = 0;
        }
    }
}
