using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;
using OrleansRealtime.Channels;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Streams;

/// <summary>
/// The single writer of a durable stream (see <see cref="IDurableStreamGrain"/>). It holds no grain state: settings,
/// epoch and the last offset come from the <see cref="IStreamStore"/> when it activates.
/// </summary>
/// <remarks>
/// The grain is reentrant: appends must be inside it together to share a store write, and a blocked group read must
/// not hold up appends. Every piece of state below is therefore read and changed only between awaits, and the one
/// flush loop (<see cref="FlushLoopAsync"/>) is the only code that writes events.
/// </remarks>
[Reentrant]
internal sealed partial class DurableStreamGrain(
    IStreamStore store,
    IOptions<StreamOptions> options,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock,
    ILogger<DurableStreamGrain> logger) : Grain, IDurableStreamGrain
{
    private readonly StreamOptions _options = options.Value;
    private Task _lifecycle = Task.CompletedTask;
    private string _id = string.Empty;
    private StreamSettings? _settings;
    private string _epoch = string.Empty;
    private long _last;
    private IAsyncStream<StreamBatch>? _live;
    private IGrainTimer? _trimTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = this.GetPrimaryKeyString();
        _live = this.GetStreamProvider(StreamNames.Provider).GetStream<StreamBatch>(StreamId.Create(StreamNames.Stream, _id));
        var stored = await store.GetAsync(_id, cancellationToken);
        if (stored is not null)
            Open(stored);
    }

    public async ValueTask<StreamCreation> CreateAsync(StreamSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return await OneAtATimeAsync(async () =>
        {
            if (_settings is not null)
                return new StreamCreation(_settings == settings ? StreamCreationOutcome.Existed : StreamCreationOutcome.Conflict, await DescribeAsync());

            var (created, stored) = await store.CreateAsync(_id, settings);
            Open(stored);
            var outcome = created ? StreamCreationOutcome.Created
                : stored.Settings == settings ? StreamCreationOutcome.Existed : StreamCreationOutcome.Conflict;
            if (created)
                LogCreated(logger, _id, settings.Type);
            return new StreamCreation(outcome, await DescribeAsync());
        });
    }

    public async ValueTask<bool> DeleteAsync() =>
        await OneAtATimeAsync(async () =>
        {
            var existed = _settings is not null;
            _settings = null;
            _trimTimer?.Dispose();
            _trimTimer = null;

            // Appends still waiting in the buffer fail; a write already under way completes (or fails) first, so the
            // store is not written after the delete. Blocked group readers wake up and find the stream gone.
            FailBuffered(new StreamNotFoundException($"stream '{_id}' was deleted"));
            if (_flushLoop is { } loop)
                await loop;
            SignalAppended();

            existed |= await store.DeleteAsync(_id);
            if (existed)
                LogDeleted(logger, _id);
            return existed;
        });

    public async ValueTask<StreamPage> ReadAsync(long from, int limit)
    {
        if (from < 0)
            throw new ArgumentException("'from' cannot be negative");
        if (limit < 0)
            throw new ArgumentException("'limit' cannot be negative");
        var settings = Require();

        var slice = await store.ReadAsync(_id, from, Math.Min(limit, _options.MaxBatch), RetentionCut.For(settings.Retention, clock));
        var events = slice.Events;
        var next = events.Count > 0 ? events[^1].Offset + 1 : Math.Max(from, slice.LastOffset + 1);
        return new StreamPage(events, next, slice.LastOffset);
    }

    public async ValueTask<StreamDescription> DescribeAsync()
    {
        var settings = Require();
        var (last, buffered) = (_last, _bufferedEvents);
        var stats = await store.StatsAsync(_id);
        return new StreamDescription(_id, settings, stats.Length, stats.FirstOffset, Math.Max(last, stats.LastOffset), buffered, stats.Groups, _epoch);
    }

    public ValueTask<ChannelPosition> GetPositionAsync()
    {
        Require();
        return ValueTask.FromResult(new ChannelPosition(_last, _epoch));
    }

    public async ValueTask<StreamReplay> ReadAfterAsync(long after, string? epoch, int limit)
    {
        if (after < 0)
            throw new ArgumentException("'after' cannot be negative");
        if (limit < 0)
            throw new ArgumentException("'limit' cannot be negative");
        var settings = Require();

        // Only what was durable when the read began: a batch written meanwhile is published, and followers get it live.
        var (current, last) = (_epoch, _last);
        if (epoch is not null && epoch != current)
            return new StreamReplay(current, last, [], false, Continuous: false);

        var slice = await store.ReadAsync(_id, after + 1, Math.Min(limit, _options.MaxBatch), RetentionCut.For(settings.Retention, clock));
        var events = slice.Events.Where(e => e.Offset <= last).ToList();

        // Retention removes a prefix, so the page continues the position when it starts right after it (or there is
        // nothing after it to start with).
        var continuous = after <= last && (after == last || (events.Count > 0 && events[0].Offset == after + 1));
        var covered = events.Count > 0 ? events[^1].Offset : after;
        return new StreamReplay(current, last, events, covered < last, continuous);
    }

    public async ValueTask<IReadOnlyList<GroupDelivery>> ReadGroupAsync(string group, string consumer, int count, int blockMs)
    {
        RequireName(group, "group");
        RequireName(consumer, "consumer");
        if (count < 1)
            throw new ArgumentException("'count' must be at least 1");
        if (blockMs < 0)
            throw new ArgumentException("'blockMs' cannot be negative");
        count = Math.Min(count, _options.MaxBatch);
        var deadline = clock.GetUtcNow() + TimeSpan.FromMilliseconds(Math.Min(blockMs, _options.MaxBlockMs));

        while (true)
        {
            var settings = Require();

            // Taken before the read: an append that lands while the store answers still wakes this reader.
            var appended = _appended.Task;
            var deliveries = await store.ReadGroupAsync(
                _id, group, consumer, count, _options.AckTimeout, RetentionCut.For(settings.Retention, clock));
            var remaining = deadline - clock.GetUtcNow();
            if (deliveries.Count > 0 || remaining <= TimeSpan.Zero)
                return deliveries;

            using var timeout = new CancellationTokenSource();
            var delay = Task.Delay(remaining, clock, timeout.Token);
            await Task.WhenAny(appended, delay);
            await timeout.CancelAsync();
        }
    }

    public async ValueTask<int> AckAsync(string group, string consumer, IReadOnlyList<long> offsets)
    {
        RequireName(group, "group");
        RequireName(consumer, "consumer");
        ArgumentNullException.ThrowIfNull(offsets);
        if (offsets.Count > _options.MaxBatch)
            throw new ArgumentException($"at most {_options.MaxBatch} offsets per ack");
        foreach (var offset in offsets)
        {
            if (offset < 1)
                throw new ArgumentException($"offset {offset} is not an event offset (they start at 1)");
        }

        Require();
        return await store.AckAsync(_id, group, offsets);
    }

    public async ValueTask<GroupDescription> DescribeGroupAsync(string group)
    {
        RequireName(group, "group");
        Require();
        return await store.DescribeGroupAsync(_id, group, _options.MaxPendingListed)
            ?? throw new StreamNotFoundException($"stream '{_id}' has no group '{group}'");
    }

    /// <summary>Runs creates and deletes one after another: each awaits the store, and they must not interleave.</summary>
    private async Task<T> OneAtATimeAsync<T>(Func<Task<T>> operation)
    {
        var previous = _lifecycle;
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _lifecycle = mine.Task;
        try
        {
            await previous;
            return await operation();
        }
        finally
        {
            mine.SetResult();
        }
    }

    private void Open(StoredStream stored)
    {
        _settings = stored.Settings;
        _epoch = stored.Epoch;
        _last = stored.LastOffset;
        if (_trimTimer is null && stored.Settings.Retention.MaxAgeSeconds > 0)
        {
            var period = TimeSpan.FromMilliseconds(_options.TrimIntervalMs);
            _trimTimer = this.RegisterGrainTimer(
                static (grain, cancellationToken) => grain.TrimAsync(cancellationToken),
                this,
                new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = false });
        }
    }

    private async Task TrimAsync(CancellationToken cancellationToken)
    {
        if (_settings is { } settings)
            await store.TrimAsync(_id, RetentionCut.For(settings.Retention, clock), cancellationToken);
    }

    private StreamSettings Require() => _settings ?? throw new StreamNotFoundException($"stream '{_id}' does not exist");

    private static void RequireName(string name, string what)
    {
        if (!ChannelName.IsValid(name))
            throw new ArgumentException($"invalid {what} name '{name}'");
    }
}
