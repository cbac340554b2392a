using System.Collections.Concurrent;
using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// Group commit of this gateway's publications. Per channel at most one <see cref="IChannelGrain.PublishBatchAsync"/>
/// call is in flight; publications that arrive meanwhile, from any connection, REST or SignalR, wait and go together in
/// the next call, in arrival order (at most <see cref="MaxBatch"/> per call). A channel publishing one message at a time
/// therefore costs one grain call per message, as before, and a busy one costs one call per round trip however many
/// publishers it has — which is what lets one connection keep many publications in flight.
/// </summary>
/// <remarks>
/// Publications to one channel get offsets in the order <see cref="PublishAsync"/> was called, because a channel's
/// queue is sent strictly in order and the grain numbers a batch in order. A channel whose queue runs empty is dropped,
/// so idle channels hold nothing. Results complete synchronously on the batch's completion, in batch order, so acks
/// of one channel are queued in offset order.
/// </remarks>
/// <param name="grains">The channel grain of a channel.</param>
/// <param name="called">Told of every grain call (the metric that shows the batching factor).</param>
internal sealed class PublishBatcher(Func<string, IChannelGrain> grains, Action called)
{
    /// <summary>Most publications one grain call carries; the rest wait for the next call.</summary>
    public const int MaxBatch = 256;

    private readonly Func<string, IChannelGrain> _grains = grains;
    private readonly Action _called = called;
    private readonly ConcurrentDictionary<string, ChannelQueue> _channels = new(StringComparer.Ordinal);
    /// <summary>
    /// Queues a publication; completes with its position, or fails with the grain call's exception (the whole batch
    /// failed) or an <see cref="ArgumentException"/> (the grain refused this publication).
    /// </summary>
    public Task<ChannelPosition> PublishAsync(string channel, PublishRequest request)
    {
        var pending = new PendingPublish(request);
        // A queue found just as it retires refuses the publication; the next GetOrAdd makes a fresh one.
        ChannelQueue queue;
        do
            queue = _channels.GetOrAdd(channel, static (name, self) => new ChannelQueue(self, name), this);
        while (!queue.TryAdd(pending));

        return pending.Task;
    }

    private sealed class PendingPublish(PublishRequest request) : TaskCompletionSource<ChannelPosition>
    {
        public PublishRequest Request { get; } = request;
    }

    /// <summary>One channel's waiting publications and its single sender loop.</summary>
    private sealed class ChannelQueue(PublishBatcher owner, string channel)
    {
        private readonly Lock _lock = new();
        private readonly IChannelGrain _grain = owner._grains(channel);
        private List<PendingPublish> _waiting = [];
        private bool _sending;
        private bool _retired;

        public bool TryAdd(PendingPublish pending)
        {
            lock (_lock)
            {
                if (_retired)
                    return false;
                _waiting.Add(pending);
                if (_sending)
                    return true;
                _sending = true;
            }

            // The loop outlives the publication that started it: it must not carry that caller's context (its trace
            // span, above all) into the calls it makes for later publications.
            var flow = ExecutionContext.SuppressFlow();
            try
            {
                _ = SendLoopAsync();
            }
            finally
            {
                flow.Undo();
            }

            return true;
        }

        private async Task SendLoopAsync()
        {
            while (NextBatch() is { } batch)
                await SendAsync(batch);
        }

        private List<PendingPublish>? NextBatch()
        {
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _retired = true;
                    owner._channels.TryRemove(new KeyValuePair<string, ChannelQueue>(channel, this));
                    return null;
                }

                if (_waiting.Count <= MaxBatch)
                {
                    var all = _waiting;
                    _waiting = [];
                    return all;
                }

                var batch = _waiting.GetRange(0, MaxBatch);
                _waiting.RemoveRange(0, MaxBatch);
                return batch;
            }
        }

        private async Task SendAsync(List<PendingPublish> batch)
        {
            var requests = new PublishRequest[batch.Count];
            for (var i = 0; i < requests.Length; i++)
                requests[i] = batch[i].Request;

            PublishResult[] results;
            try
            {
                owner._called();
                results = await _grain.PublishBatchAsync(requests);
            }
            catch (Exception exception)
            {
                foreach (var pending in batch)
                    pending.TrySetException(exception);
                return;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                if (i >= results.Length)
                    batch[i].TrySetException(new InvalidOperationException($"the channel grain answered {results.Length} results for {batch.Count} publications"));
                else if (results[i].Error is { } error)
                    batch[i].TrySetException(new ArgumentException(error));
                else
                    batch[i].TrySetResult(results[i].Position);
            }
        }
    }
}
