namespace OrleansRealtime.Streams;

internal sealed partial class DurableStreamGrain
{
    private readonly Queue<BufferedAppend> _buffer = new();
    private int _bufferedEvents;
    private Task? _flushLoop;
    private TaskCompletionSource? _bufferFull;
    private TaskCompletionSource _appended = NewSignal();

    /// <remarks>
    /// Offsets are assigned when a batch is written, not when an append arrives: a failed write then leaves no hole,
    /// and the next batch continues from the last offset the store holds.
    /// </remarks>
    public async ValueTask<long> AppendAsync(IReadOnlyList<NewStreamEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
            throw new ArgumentException("an append needs at least one event");
        if (events.Count > _options.MaxBatch)
            throw new ArgumentException($"at most {_options.MaxBatch} events per append");
        foreach (var e in events)
        {
            if (e is null || !Channels.ChannelName.IsValid(e.Event))
                throw new ArgumentException($"invalid event name '{e?.Event}'");
        }

        var settings = Require();
        var append = new BufferedAppend(events, clock.GetUtcNow());
        _buffer.Enqueue(append);
        _bufferedEvents += events.Count;
        if (_bufferedEvents >= settings.BufferSize)
            _bufferFull?.TrySetResult();
        if (_flushLoop is null || _flushLoop.IsCompleted)
            _flushLoop = FlushLoopAsync();

        return await append.FirstOffset.Task;
    }

    /// <summary>
    /// Writes the buffer, one store write at a time: a batch is written once it holds <c>bufferSize</c> events or its
    /// oldest append has waited <c>flushIntervalMs</c>, whichever comes first. Appends that arrive during a write join
    /// the next batch, so concurrent appends share writes even with a flush interval of 0.
    /// </summary>
    private async Task FlushLoopAsync()
    {
        while (_buffer.Count > 0 && _settings is { } settings)
        {
            var due = _buffer.Peek().ArrivedAt + TimeSpan.FromMilliseconds(settings.FlushIntervalMs);
            var wait = due - clock.GetUtcNow();
            if (_bufferedEvents < settings.BufferSize && wait > TimeSpan.Zero)
            {
                _bufferFull = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var cancel = new CancellationTokenSource();
                await Task.WhenAny(Task.Delay(wait, clock, cancel.Token), _bufferFull.Task);
                await cancel.CancelAsync();
                _bufferFull = null;
                continue;
            }

            await WriteBatchAsync(TakeBatch(settings.BufferSize), settings);
        }
    }

    /// <summary>Whole appends, oldest first, until the batch holds at least <paramref name="bufferSize"/> events.</summary>
    private List<BufferedAppend> TakeBatch(int bufferSize)
    {
        var batch = new List<BufferedAppend>();
        var events = 0;
        while (_buffer.Count > 0 && (events < bufferSize || batch.Count == 0))
        {
            var append = _buffer.Dequeue();
            batch.Add(append);
            events += append.Events.Count;
        }

        _bufferedEvents -= events;
        return batch;
    }

    private async Task WriteBatchAsync(List<BufferedAppend> batch, StreamSettings settings)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var events = new List<StreamEvent>();
        var offset = _last;
        foreach (var append in batch)
        {
            foreach (var e in append.Events)
                events.Add(new StreamEvent(++offset, e.Event, e.Data, timestamp));
        }

        try
        {
            try
            {
                await store.AppendAsync(_id, events, RetentionCut.For(settings.Retention, clock));
            }
            catch (StreamStoreConflictException conflict)
            {
                // The store is not where this activation thought: a write that timed out but landed, or another
                // activation that wrote meanwhile. Take the store's position once and retry the batch after it.
                LogAppendConflict(logger, conflict, _id, events[0].Offset);
                var stored = await store.GetAsync(_id) ?? throw new StreamNotFoundException($"stream '{_id}' does not exist");
                _last = stored.LastOffset;
                events = Renumbered(events, _last);
                await store.AppendAsync(_id, events, RetentionCut.For(settings.Retention, clock));
            }
        }
        catch (Exception exception)
        {
            LogWriteFailed(logger, exception, _id, events.Count);
            foreach (var append in batch)
                append.FirstOffset.TrySetException(exception);
            return;
        }

        var first = events[0].Offset;
        _last = events[^1].Offset;
        foreach (var append in batch)
        {
            append.FirstOffset.TrySetResult(first);
            first += append.Events.Count;
        }

        SignalAppended();
        await PublishAsync(events);
    }

    /// <summary>
    /// Hands a durable batch to live subscribers. The one flush loop awaits it before writing the next batch, so batches
    /// are published in offset order. A failed publish loses nothing: gateways find the missing offsets by the next
    /// batch's or by their periodic check of the stream's position, and read them from the store.
    /// </summary>
    private async Task PublishAsync(List<StreamEvent> events)
    {
        try
        {
            await _live!.OnNextAsync(new StreamBatch(_id, _epoch, events));
        }
        catch (Exception exception)
        {
            LogPublishFailed(logger, exception, _id, events[0].Offset);
        }
    }

    private static List<StreamEvent> Renumbered(List<StreamEvent> events, long last) =>
        events.Select((e, i) => e with { Offset = last + 1 + i }).ToList();

    private void FailBuffered(Exception exception)
    {
        while (_buffer.TryDequeue(out var append))
            append.FirstOffset.TrySetException(exception);
        _bufferedEvents = 0;
        _bufferFull?.TrySetResult();
    }

    /// <summary>Wakes every blocked group read: new events are in the store (or the stream is gone).</summary>
    private void SignalAppended()
    {
        var appended = _appended;
        _appended = NewSignal();
        appended.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One append request waiting in the buffer; answered with its first offset once its batch is durable.</summary>
    private sealed class BufferedAppend(IReadOnlyList<NewStreamEvent> events, DateTimeOffset arrivedAt)
    {
        public IReadOnlyList<NewStreamEvent> Events { get; } = events;

        public DateTimeOffset ArrivedAt { get; } = arrivedAt;

        public TaskCompletionSource<long> FirstOffset { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
