namespace OrleansRealtime.Channels;

/// <summary>
/// One shard of the channel directory (see <see cref="IChannelDirectoryGrain"/>): the names in memory, sorted, and
/// in the default grain storage so that a reactivated shard still knows channels whose grains are active elsewhere.
/// </summary>
internal sealed class ChannelDirectoryGrain(
    [PersistentState("channels")] IPersistentState<ChannelDirectoryState> state) : Grain, IChannelDirectoryGrain
{
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _names.UnionWith(state.State.Channels);
        return Task.CompletedTask;
    }

    public async ValueTask RegisterAsync(string channel)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        if (!_names.Add(channel))
            return;

        // A write per new name only: channels activate rarely compared to publishing.
        state.State.Channels = [.. _names];
        await state.WriteStateAsync();
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        IEnumerable<string> names = _names;
        if (after is not null)
        {
            names = _names.Max is { } max && string.CompareOrdinal(after, max) < 0
                ? _names.GetViewBetween(after, max).Where(name => string.CompareOrdinal(name, after) > 0)
                : [];
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(names.Take(limit).ToList());
    }
}

/// <summary>The names a channel directory shard stores.</summary>
[GenerateSerializer, Alias("rt.ChannelDirectoryState")]
internal sealed class ChannelDirectoryState
{
    [Id(0)]
    public List<string> Channels { get; set; } = [];
}
