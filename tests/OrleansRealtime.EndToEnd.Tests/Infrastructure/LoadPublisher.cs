using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Load while a process dies: one client publishes numbered messages (<c>{"n": 1, 2, …}</c>) round-robin over its
/// channels, one after another, until stopped, and logs what was acknowledged, which is the set the delivery
/// guarantees are about. How a publication is sent (e.g. retried while the cluster answers <c>unavailable</c>) is the
/// test's choice. The first failure ends the load and fails every wait on it.
/// </summary>
internal sealed class LoadPublisher : IAsyncDisposable
{
    private readonly RealtimeTestClient _client;
    private readonly IReadOnlyList<string> _channels;
    private readonly Func<RealtimeTestClient, string, JsonNode, Task<JsonElement>> _publish;
    private readonly TimeSpan? _pace;
    private readonly ConcurrentDictionary<(string Channel, long Offset), int> _acked = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private Exception? _failure;

    private LoadPublisher(
        RealtimeTestClient client, IReadOnlyList<string> channels, Func<RealtimeTestClient, string, JsonNode, Task<JsonElement>> publish, TimeSpan? pace)
    {
        (_client, _channels, _publish, _pace) = (client, channels, publish, pace);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Publications acknowledged so far.</summary>
    public int Acked => _acked.Count;

    /// <summary>The epoch of the first acknowledgement per channel (a channel's epoch changes only when its history is lost).</summary>
    public ConcurrentDictionary<string, string> Epochs { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts publishing through <paramref name="client"/> (which the load then owns); <paramref name="pace"/> spaces
    /// publications, so a long outage does not outgrow the channels' history.
    /// </summary>
    public static LoadPublisher Start(
        RealtimeTestClient client, IReadOnlyList<string> channels, Func<RealtimeTestClient, string, JsonNode, Task<JsonElement>> publish, TimeSpan? pace = null) =>
        new(client, channels, publish, pace);

    /// <summary>What was acknowledged on <paramref name="channel"/>: offset → the number published.</summary>
    public Dictionary<long, int> AckedOn(string channel) =>
        _acked.Where(a => a.Key.Channel == channel).ToDictionary(a => a.Key.Offset, a => a.Value);

    /// <summary>Waits until at least <paramref name="count"/> publications were acknowledged in all.</summary>
    public Task AckedAtLeastAsync(int count, TimeSpan timeout, string what)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_failure is not null)
                reached.TrySetException(_failure);
            else if (_acked.Count >= count)
                reached.TrySetResult();
            else
                _waiters.Add((count, reached));
        }

        return reached.Task.WithTimeout(timeout, $"{count} acknowledged publications ({what})");
    }

    /// <summary>Stops publishing after the publication in flight; fails if the load failed.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await _stop.CancelAsync();
        await _loop.WithTimeout(timeout, "the load publisher to stop");
        if (_failure is not null)
            throw new InvalidOperationException("the load failed", _failure);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // A publication stuck on a dead cluster: the client's disposal below ends it.
        }

        await _client.DisposeAsync();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var pace = _pace is { } period ? new PeriodicTimer(period) : null;
        try
        {
            for (var n = 1; !_stop.IsCancellationRequested; n++)
            {
                var channel = _channels[(n - 1) % _channels.Count];
                var ack = await _publish(_client, channel, new JsonObject { ["n"] = n });
                if (!_acked.TryAdd((channel, ack.Offset()), n))
                    throw new InvalidOperationException($"offset {ack.Offset()} of '{channel}' was acknowledged twice");
                Epochs.TryAdd(channel, ack.Epoch()!);
                Notify();
                if (pace is not null && !await pace.WaitForNextTickAsync(_stop.Token))
                    break;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            lock (_waiters)
            {
                _failure = ex;
                foreach (var (_, reached) in _waiters)
                    reached.TrySetException(ex);
                _waiters.Clear();
            }
        }
    }

    private void Notify()
    {
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_acked.Count >= _waiters[i].Count)
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
