using Orleans.Streams;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// This gateway's single view of one pattern: one subscription to the pattern's stream (to which matching channels
/// forward their publications while the pattern is registered) whatever the number of local subscribers.
/// </summary>
/// <remarks>
/// Ordered per channel by offsets: the feed remembers the last offset delivered per matching channel, drops
/// duplicates, and fills a hole from that channel's history before delivering what follows it. A channel's first
/// publication seen here starts its sequence. The feed is ready once the pattern is registered and the silos' pattern
/// caches can no longer miss it, so every publication after a subscription's ack reaches it.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The delivery gate's wait handle is never used, so it holds nothing to dispose.")]
internal sealed partial class PatternFeed(string pattern, PatternFeedRegistry registry) : IAsyncObserver<ChannelMessage>
{
    private readonly List<PatternSubscription> _subscribers = [];
    private readonly Lock _sync = new();
    private readonly SemaphoreSlim _deliveryGate = new(1, 1);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, ChannelPosition> _last = new(StringComparer.Ordinal);
    private StreamSubscriptionHandle<ChannelMessage>? _handle;
    private volatile bool _stopped;

    public string Pattern { get; } = pattern;

    public Task Ready => _ready.Task;

    public async Task StartAsync()
    {
        try
        {
            _handle = await registry.Cluster.Client.GetStreamProvider(StreamNames.Provider)
                .GetStream<ChannelMessage>(StreamId.Create(StreamNames.Pattern, Pattern))
                .SubscribeAsync(this);
            var staleness = await registry.Cluster.RegisterPatternAsync(Pattern, registry.GatewayId);

            // Silos may publish from a pattern list read before the registration for this long: wait it out, so that
            // the ack promises every publication after it.
            await Task.Delay(staleness, registry.Time);
            if (_stopped)
                await StopAsync();
            _ready.TrySetResult();
        }
        catch (Exception ex)
        {
            _ready.TrySetException(ClusterAccess.AsProtocolError(ex));
            await StopAsync();
        }
    }

    public async Task StopAsync()
    {
        _stopped = true;
        if (Interlocked.Exchange(ref _handle, null) is not { } handle)
            return;

        try
        {
            await handle.UnsubscribeAsync();
            await registry.Cluster.UnregisterPatternAsync(Pattern, registry.GatewayId);
        }
        catch (Exception ex)
        {
            // The registration expires with its lease; a stream subscription the cluster dropped needs nothing.
            LogStopFailed(registry.Logger, ex, Pattern);
        }
    }

    /// <summary>Renews this gateway's registration of the pattern (its lease in the registry).</summary>
    public async Task RenewAsync()
    {
        if (_ready.Task.IsCompletedSuccessfully && !_stopped)
            await registry.Cluster.RegisterPatternAsync(Pattern, registry.GatewayId);
    }

    public PatternSubscription Add(Connections.Session session, MessageFilter? filter)
    {
        var subscription = new PatternSubscription(this, session, filter);
        lock (_sync)
            _subscribers.Add(subscription);
        return subscription;
    }

    public void Activate(PatternSubscription subscription)
    {
        lock (_sync)
            subscription.Live = true;
    }

    /// <summary>Removes a subscriber; returns how many remain.</summary>
    public int Remove(PatternSubscription subscription)
    {
        lock (_sync)
        {
            _subscribers.Remove(subscription);
            return _subscribers.Count;
        }
    }

    public async Task OnNextAsync(ChannelMessage item, StreamSequenceToken? token = null)
    {
        try
        {
            await _ready.Task;
        }
        catch
        {
            return;
        }

        await _deliveryGate.WaitAsync();
        try
        {
            if (_last.TryGetValue(item.Channel, out var last) && last.Epoch == item.Epoch)
            {
                if (item.Offset <= last.Offset)
                {
                    registry.Metrics.Dropped("duplicate");
                    return;
                }

                if (item.Offset > last.Offset + 1)
                    await FillGapAsync(item.Channel, last, item.Offset);
            }

            Deliver(item);
        }
        finally
        {
            _deliveryGate.Release();
        }
    }

    /// <summary>Delivers a channel's messages after <paramref name="last"/> and before <paramref name="before"/> from its history.</summary>
    private async Task FillGapAsync(string channel, ChannelPosition last, long before)
    {
        registry.Metrics.GapFilled();
        try
        {
            var after = last.Offset;
            while (after + 1 < before)
            {
                var page = await registry.Cluster.ReadHistoryAsync(channel, new HistoryQuery(after, last.Epoch, (int)Math.Min(ChannelFeed.PageSize, before - after - 1)));
                if (!page.Continuous || page.Messages.Count == 0 || page.Epoch != last.Epoch)
                {
                    registry.Metrics.Dropped("gap");
                    return;
                }

                foreach (var message in page.Messages)
                {
                    if (message.Offset >= before)
                        return;
                    Deliver(message);
                    after = message.Offset;
                }
            }
        }
        catch (Exception ex)
        {
            LogGapFillFailed(registry.Logger, ex, Pattern, channel);
            registry.Metrics.Dropped("gap");
        }
    }

    private void Deliver(ChannelMessage message)
    {
        _last[message.Channel] = new ChannelPosition(message.Offset, message.Epoch);
        EncodedFrame? frame = null;
        lock (_sync)
        {
            foreach (var subscription in _subscribers)
            {
                if (!subscription.Live || (subscription.Filter is { } filter && !filter.Matches(message.Data)))
                    continue;
                frame ??= FrameWriter.PatternMessage(message, Pattern);
                subscription.Session.Send(frame);
            }
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(registry.Logger, ex, Pattern);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1230, Level = LogLevel.Debug, Message = "Pattern '{Pattern}': stopping failed")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string pattern);

    [LoggerMessage(EventId = 1231, Level = LogLevel.Warning, Message = "Pattern '{Pattern}': filling a gap of channel '{Channel}' from history failed")]
    private static partial void LogGapFillFailed(ILogger logger, Exception exception, string pattern, string channel);

    [LoggerMessage(EventId = 1232, Level = LogLevel.Warning, Message = "Pattern '{Pattern}': stream error")]
    private static partial void LogStreamError(ILogger logger, Exception exception, string pattern);
}
