using OrleansRealtime.History;

namespace OrleansRealtime.Channels;

internal sealed partial class ChannelGrain
{
    /// <remarks>
    /// <para>
    /// A query whose epoch is not the current one reads from the start of the retained history and is never
    /// <see cref="HistoryPage.Continuous"/>. A query after the top is not continuous either: that position never existed.
    /// Otherwise the page is continuous when the caller is at the top or the history still holds the offset right
    /// after its position.
    /// </para>
    /// <para>
    /// <see cref="HistoryPage.More"/> is true when retained messages newer than the page exist: the last offset the page
    /// covers (its last message; without messages, the query's position or, if the history starts later, the offset
    /// before the oldest retained) is below the top. Paging forward by the last offset therefore ends.
    /// </para>
    /// <para>
    /// Reads interleave with publications. An interleaved append may already be in the store (the store's top one ahead
    /// of this activation's): the page reports the store's top, consistent with the messages it returns, and gateways
    /// de-duplicate by offset when the same message then arrives on the stream.
    /// </para>
    /// </remarks>
    public async ValueTask<HistoryPage> ReadAsync(HistoryQuery query)
    {
        if (query.Limit < 0)
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "A history limit cannot be negative.");
        if (query.After < 0)
            throw new ArgumentOutOfRangeException(nameof(query), query.After, "A history position cannot be negative.");

        var (epoch, top) = (_epoch, _top);
        var epochMatches = query.Epoch is null || query.Epoch == epoch;
        var after = epochMatches ? query.After : 0;
        if (after > top)
            return new HistoryPage(epoch, top, [], More: false, Continuous: false);

        var slice = await store.ReadAsync(_channel, after, Math.Min(query.Limit, _history.MaxPageSize));
        if (slice.Epoch != epoch)
        {
            // The store does not hold this activation's epoch: its log was lost (a flushed Redis) and the next
            // publication will open a new epoch, or a publication interleaved with this read already did. Answer from
            // this activation's view with nothing retained; the caller learns of the new epoch from the next message.
            slice = new HistorySlice(epoch, top, top + 1, []);
        }

        top = slice.Top;
        var messages = slice.Messages;
        var continuous = epochMatches && (after >= top || slice.Oldest <= after + 1);
        var covered = messages.Count > 0 ? messages[^1].Offset : Math.Max(after, slice.Oldest - 1);
        return new HistoryPage(epoch, top, messages, More: covered < top, Continuous: continuous);
    }
}
