using System.Diagnostics;

namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>The N subscribers of one run: connecting them, and the aggregates the publisher and the report need.</summary>
internal sealed class SubscriberSet : IDisposable
{
    private readonly Subscriber[] _subscribers;
    private readonly SocketsHttpHandler _handler;

    public SubscriberSet(int count, PhaseClock clock, SubscriberTransport transport)
        : this(Enumerable.Range(0, count).Select(_ => Create(transport, clock)))
    {
    }

    /// <summary>A set of subscribers made by the caller (e.g. ones that resume from an offset).</summary>
    public SubscriberSet(IEnumerable<Subscriber> subscribers)
    {
        _handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = Wire.ConnectAsync,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        _subscribers = [.. subscribers];
    }

    public IReadOnlyList<Subscriber> All => _subscribers;

    /// <summary>Bytes all subscriber connections received from the server.</summary>
    public WireCounter Wire { get; } = new();

    /// <summary>
    /// Connects (and subscribes) every subscriber to the server at <paramref name="baseUri"/>, at most
    /// <paramref name="parallelism"/> at a time; returns the time taken.
    /// </summary>
    public Task<TimeSpan> ConnectAsync(Uri baseUri, bool gateway, int parallelism, CancellationToken cancellationToken) =>
        ConnectAsync([baseUri], gateway, parallelism, cancellationToken);

    /// <summary>
    /// Connects subscriber <c>i</c> to <c>baseUris[i % baseUris.Count]</c>: spread evenly over several gateways.
    /// </summary>
    public async Task<TimeSpan> ConnectAsync(IReadOnlyList<Uri> baseUris, bool gateway, int parallelism, CancellationToken cancellationToken)
    {
        var endpoints = baseUris.Select(uri => new SubscriberEndpoint(uri, gateway, _handler)).ToArray();
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        await Parallel.ForEachAsync(
            Enumerable.Range(0, _subscribers.Length),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = timeout.Token },
            async (i, ct) => await _subscribers[i].ConnectAsync(endpoints[i % endpoints.Length], ct));
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
        _handler.Dispose();
    }

    private static Subscriber Create(SubscriberTransport transport, PhaseClock clock) => transport switch
    {
        SubscriberTransport.WebSocket => new WebSocketSubscriber(clock, batch: false, deflate: false),
        SubscriberTransport.WebSocketBatch => new WebSocketSubscriber(clock, batch: true, deflate: false),
        SubscriberTransport.WebSocketDeflate => new WebSocketSubscriber(clock, batch: false, deflate: true),
        SubscriberTransport.Sse => new SseSubscriber(clock),
        SubscriberTransport.Polling => new PollingSubscriber(clock),
        SubscriberTransport.SignalR => new SignalRSubscriber(clock),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
    };
}
