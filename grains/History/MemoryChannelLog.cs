using OrleansRealtime.Channels;

namespace OrleansRealtime.History;

/// <summary>One channel's log in <see cref="MemoryHistoryStore"/>; every member runs under its own lock.</summary>
internal sealed class MemoryChannelLog(string epoch, int size)
{
    private readonly Lock _lock = new();
    private readonly MessageRing _messages = new(size);
    private long _top;

    public string Epoch { get; } = epoch;

    public ChannelPosition Position
    {
        get
        {
            lock (_lock)
                return new ChannelPosition(_top, Epoch);
        }
    }

    /// <summary>Appends consecutive messages, all or none (the first must follow the top).</summary>
    public void Append(IReadOnlyList<ChannelMessage> messages, long expiryCutoffMs)
    {
        lock (_lock)
        {
            // The fence: only the single writer that knows the current epoch and top may append.
            var first = messages[0];
            if (first.Epoch != Epoch || first.Offset != _top + 1)
            {
                throw new HistoryConflictException(
                    $"Channel '{first.Channel}': append of offset {first.Offset} in epoch '{first.Epoch}' refused; the store is at offset {_top} in epoch '{Epoch}'.");
            }

            for (var i = 1; i < messages.Count; i++)
            {
                if (messages[i].Epoch != Epoch || messages[i].Offset != first.Offset + i)
                    throw new ArgumentException($"A batch must hold consecutive offsets of one epoch; offset {messages[i].Offset} is at index {i}.", nameof(messages));
            }

            TrimExpired(expiryCutoffMs);
            foreach (var message in messages)
                _messages.Add(message);
            _top = messages[^1].Offset;
        }
    }

    public HistorySlice Read(long after, int limit, long expiryCutoffMs)
    {
        lock (_lock)
        {
            TrimExpired(expiryCutoffMs);
            var oldest = _messages.Count == 0 ? _top + 1 : _messages[0].Offset;

            // Retained offsets are consecutive, so the first message after 'after' is found by arithmetic.
            var start = (int)Math.Clamp(after + 1 - oldest, 0, _messages.Count);
            var count = Math.Min(limit, _messages.Count - start);
            var messages = new ChannelMessage[count];
            for (var i = 0; i < count; i++)
                messages[i] = _messages[start + i];

            return new HistorySlice(Epoch, _top, oldest, messages);
        }
    }

    public int Count(long expiryCutoffMs)
    {
        lock (_lock)
        {
            TrimExpired(expiryCutoffMs);
            return _messages.Count;
        }
    }

    // Expiry removes a prefix (see IHistoryStore), which is also what keeps the offset arithmetic in Read valid.
    private void TrimExpired(long expiryCutoffMs)
    {
        while (_messages.Count > 0 && _messages[0].TimestampMs <= expiryCutoffMs)
            _messages.RemoveOldest();
    }
}
