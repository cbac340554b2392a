using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Patterns;

/// <summary>
/// A silo's copy of the active patterns, shared by all its channel grains: read from the registry at most once per
/// <see cref="PatternOptions.Refresh"/> while channels publish, so the registry sees one read per silo per period
/// however many channels there are. A list is used only while younger than the refresh period, measured from when
/// its read started, which is what lets a gateway acknowledge a pattern after waiting that period.
/// </summary>
internal sealed class PatternCache(
    IGrainFactory grains,
    IOptions<PatternOptions> options,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock)
{
    private readonly TimeSpan _refresh = options.Value.Refresh;
    private readonly Lock _lock = new();
    private Snapshot _current = new([], DateTimeOffset.MinValue);
    private Task<Snapshot>? _reading;

    /// <summary>The active patterns <paramref name="channel"/> matches; none for internal logs (<c>$…</c>), which patterns never reach.</summary>
    public async ValueTask<IReadOnlyList<string>> MatchingAsync(string channel)
    {
        if (channel.StartsWith('$'))
            return [];

        var asked = clock.GetUtcNow();
        Snapshot snapshot;
        lock (_lock)
            snapshot = _current;
        if (asked - snapshot.ReadAt >= _refresh)
        {
            snapshot = await ReadAsync();
            // A read that was already under way may have started too long before this call: read again.
            if (asked - snapshot.ReadAt >= _refresh)
                snapshot = await ReadAsync(force: true);
        }

        if (snapshot.Patterns.Count == 0)
            return [];

        List<string>? matching = null;
        foreach (var pattern in snapshot.Patterns)
        {
            if (ChannelPattern.Matches(pattern, channel))
                (matching ??= []).Add(pattern);
        }

        return matching ?? (IReadOnlyList<string>)[];
    }

    private Task<Snapshot> ReadAsync(bool force = false)
    {
        lock (_lock)
        {
            if (force || _reading is null || _reading.IsCompleted)
                _reading = ReadCoreAsync();
            return _reading;
        }
    }

    private async Task<Snapshot> ReadCoreAsync()
    {
        var started = clock.GetUtcNow();
        var patterns = await grains.GetGrain<IPatternRegistryGrain>(IPatternRegistryGrain.Key).GetActiveAsync();
        var snapshot = new Snapshot(patterns, started);
        lock (_lock)
        {
            // An older read that finished late must not replace a newer list.
            if (snapshot.ReadAt > _current.ReadAt)
                _current = snapshot;
        }

        return snapshot;
    }

    private sealed record Snapshot(IReadOnlyList<string> Patterns, DateTimeOffset ReadAt);
}
