using System.Diagnostics;

namespace OrleansRealtime.Bench.Load;

/// <summary>The N subscribers of one run: connecting them, and the aggregates the publisher and the report need.</summary>
internal sealed class SubscriberSet : IDisposable
{
    private readonly Subscriber[] _subscribers;
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) });

    public SubscriberSet(int count, PhaseClock clock, bool gateway)
    {
        _subscribers = new Subscriber[count];
        for (var i = 0; i < count; i++)
            _subscribers[i] = new Subscriber(clock, gateway);
    }

    public IReadOnlyList<Subscriber> All => _subscribers;

    /// <summary>Connects (and subscribes) every subscriber, at most <paramref name="parallelism"/> at a time; returns the time taken.</summary>
    public async Task<TimeSpan> ConnectAsync(Uri uri, int parallelism, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await Parallel.ForEachAsync(
            _subscribers,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = timeout.Token },
            async (subscriber, ct) => await subscriber.ConnectAsync(uri, _invoker, ct));
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>The fewest messages any open subscriber has received; <paramref name="fallback"/> when none is open.</summary>
    public long MinReceived(long fallback)
    {
        var min = long.MaxValue;
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.IsOpen)
                min = Math.Min(min, subscriber.Received);
        }

        return min == long.MaxValue ? fallback : min;
    }

    public long TotalReceived()
    {
        long total = 0;
        foreach (var subscriber in _subscribers)
            total += subscriber.Received;
        return total;
    }

    /// <summary>Waits until every open subscriber has received <paramref name="expected"/> messages; false on time-out.</summary>
    public async Task<bool> WaitDrainedAsync(long expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (MinReceived(expected) < expected)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                return false;
            await Task.Delay(10, cancellationToken);
        }

        return true;
    }

    public LatencyHistogram MergedLatency()
    {
        var merged = new LatencyHistogram();
        foreach (var subscriber in _subscribers)
            merged.Add(subscriber.Latency);
        return merged;
    }

    public void Dispose()
    {
        foreach (var subscriber in _subscribers)
            subscriber.Dispose();
        _invoker.Dispose();
    }
}
