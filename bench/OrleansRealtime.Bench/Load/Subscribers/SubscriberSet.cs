using System.Diagnostics;
using OrleansRealtime.Bench.Load.Dialects;

namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>
/// The N subscribers of one run: connecting them (spread over the system's nodes, subscriber i on node i mod n), the
/// dialect's keep-alive, the reconnect storm, and the aggregates the publisher and the report need.
/// </summary>
internal sealed class SubscriberSet : IDisposable
{
    /// <summary>Well inside the SignalR server's 30 s client time-out, as the official client's 15 s keep-alive.</summary>
    private static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(10);

    private readonly Subscriber[] _subscribers;
    private readonly SocketsHttpHandler _handler;
    private readonly Timer? _keepAlive;

    /// <param name="dialect">The WebSocket dialect of <see cref="SubscriberTransport.WebSocket"/> subscribers (the system's).</param>
    /// <param name="channelOf">Subscriber i's channel; all on <see cref="BenchPayload.Channel"/> when null.</param>
    public SubscriberSet(int count, PhaseClock clock, SubscriberTransport transport, WireDialect? dialect = null, Func<int, string>? channelOf = null)
    {
        dialect ??= GatewayDialect.Frames;
        _handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = Wire.ConnectAsync,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        _subscribers = new Subscriber[count];
        for (var i = 0; i < count; i++)
            _subscribers[i] = Create(transport, dialect, clock, channelOf?.Invoke(i) ?? BenchPayload.Channel);
        if (dialect.KeepAlive is not null && transport == SubscriberTransport.WebSocket)
            _keepAlive = new Timer(static state => ((SubscriberSet)state!).SendKeepAlives(), this, KeepAlivePeriod, KeepAlivePeriod);
    }

    public IReadOnlyList<Subscriber> All => _subscribers;

    /// <summary>Bytes all subscriber connections received from the server.</summary>
    public WireCounter Wire { get; } = new();

    /// <summary>
    /// Connects (and subscribes) every subscriber, subscriber i to <paramref name="nodes"/>[i mod n], at most
    /// <paramref name="parallelism"/> at a time; returns the time taken.
    /// </summary>
    public async Task<TimeSpan> ConnectAsync(IReadOnlyList<Uri> nodes, int parallelism, CancellationToken cancellationToken)
    {
        var endpoints = nodes.Select(node => new SubscriberEndpoint(node, _handler)).ToArray();
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(180));
        await Parallel.ForEachAsync(
            Enumerable.Range(0, _subscribers.Length),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = timeout.Token },
            async (i, ct) => await _subscribers[i].ConnectAsync(endpoints[i % endpoints.Length], ct));
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Moves <paramref name="which"/> (subscribers of this set whose node is gone) to <paramref name="nodes"/>, the i-th
    /// to <paramref name="nodes"/>[i mod n], each resuming after the last message it received; returns the time taken.
    /// </summary>
    public async Task<TimeSpan> MoveAsync(IReadOnlyList<Subscriber> which, IReadOnlyList<Uri> nodes, int parallelism, CancellationToken cancellationToken)
    {
        var endpoints = nodes.Select(node => new SubscriberEndpoint(node, _handler)).ToArray();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, which.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => await which[i].ReconnectAsync(endpoints[i % endpoints.Length], ct));
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// As <see cref="MoveAsync"/>, but the way real clients come back after losing their server: all at once, each after
    /// its own random delay below <paramref name="jitter"/> (jittered backoff), with no cap on how many connect together.
    /// </summary>
    public async Task<TimeSpan> MoveJitteredAsync(IReadOnlyList<Subscriber> which, IReadOnlyList<Uri> nodes, TimeSpan jitter, CancellationToken cancellationToken)
    {
        var endpoints = nodes.Select(node => new SubscriberEndpoint(node, _handler)).ToArray();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(which.Select((subscriber, i) => Task.Run(
            async () =>
            {
                await Task.Delay(jitter * Random.Shared.NextDouble(), cancellationToken);
                await subscriber.ReconnectAsync(endpoints[i % endpoints.Length], cancellationToken);
            },
            CancellationToken.None)));
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// The reconnect storm: every subscriber drops its connection and reconnects at once (each to its node), recovering
    /// where the system can. Returns when all are subscribed again; throws when one could not within <paramref name="timeout"/>.
    /// </summary>
    public async Task ReconnectAllAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        await Task.WhenAll(_subscribers.Select(s => Task.Run(() => s.ReconnectAsync(limit.Token), CancellationToken.None)));
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

    /// <summary>
    /// Waits until every open subscriber has the message <paramref name="published"/> publishes after its subscription
    /// began (sequence ≥ its base + <paramref name="published"/>); false on time-out.
    /// </summary>
    public async Task<bool> WaitReachedAsync(long published, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (_subscribers.Any(s => s.IsOpen && s.LastSequence < s.Base + published))
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
        _keepAlive?.Dispose();
        foreach (var subscriber in _subscribers)
            subscriber.Dispose();
        _handler.Dispose();
    }

    private void SendKeepAlives()
    {
        foreach (var subscriber in _subscribers)
        {
            if (subscriber is WebSocketSubscriber socket)
                _ = socket.KeepAliveAsync();
        }
    }

    private static Subscriber Create(SubscriberTransport transport, WireDialect dialect, PhaseClock clock, string channel) => transport switch
    {
        SubscriberTransport.WebSocket => new WebSocketSubscriber(clock, dialect, deflate: false) { Channel = channel },
        SubscriberTransport.WebSocketBatch => new WebSocketSubscriber(clock, GatewayDialect.Batched, deflate: false),
        SubscriberTransport.WebSocketDeflate => new WebSocketSubscriber(clock, GatewayDialect.Frames, deflate: true),
        SubscriberTransport.Sse => new SseSubscriber(clock),
        SubscriberTransport.Polling => new PollingSubscriber(clock),
        SubscriberTransport.SignalR => new SignalRSubscriber(clock),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
    };
}
