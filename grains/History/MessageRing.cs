using OrleansRealtime.Channels;

namespace OrleansRealtime.History;

/// <summary>
/// A FIFO of consecutive messages with O(1) access by index, bounded by a capacity. The array grows by doubling up to
/// the capacity instead of being allocated at full size, so thousands of quiet channels don't each hold a
/// <see cref="HistoryOptions.Size"/>-long array. Not thread-safe: its owner locks.
/// </summary>
internal sealed class MessageRing(int capacity)
{
    private const int InitialLength = 8;
    private ChannelMessage[] _items = [];
    private int _head;

    public int Count { get; private set; }

    public ChannelMessage this[int index] => _items[(_head + index) % _items.Length];

    /// <summary>Adds a message at the end, dropping the oldest when the ring is full.</summary>
    public void Add(ChannelMessage message)
    {
        if (Count == capacity)
            RemoveOldest();
        if (Count == _items.Length)
            Grow();

        _items[(_head + Count) % _items.Length] = message;
        Count++;
    }

    public void RemoveOldest()
    {
        // Drop the reference so a trimmed payload can be collected.
        _items[_head] = null!;
        _head = (_head + 1) % _items.Length;
        Count--;
    }

    private void Grow()
    {
        var grown = new ChannelMessage[Math.Min(capacity, Math.Max(InitialLength, _items.Length * 2))];
        for (var i = 0; i < Count; i++)
            grown[i] = this[i];
        _items = grown;
        _head = 0;
    }
}
