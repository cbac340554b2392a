using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansRealtime.History;
using OrleansRealtime.Hosting;
using OrleansRealtime.Patterns;

namespace OrleansRealtime.Channels;

/// <summary>
/// The single writer of a channel (see <see cref="IChannelGrain"/>). It holds no grain state: the epoch and top offset
/// come from the history store when it activates, so a reactivation continues where the store says.
/// </summary>
internal sealed partial class ChannelGrain(
    IHistoryStore store,
    IOptions<HistoryOptions> historyOptions,
    IOptions<ChannelOptions> channelOptions,
    PatternCache patterns,
    [FromKeyedServices(RealtimeServiceKeys.Clock)] TimeProvider clock,
    ILogger<ChannelGrain> logger) : Grain, IChannelGrain
{
    private readonly HistoryOptions _history = historyOptions.Value;
    private readonly TimeSpan _subscriberLease = channelOptions.Value.SubscriberLease;
    private readonly Dictionary<string, SubscriberReport> _subscribers = new(StringComparer.Ordinal);
    private string _channel = string.Empty;
    private string _epoch = string.Empty;
    private long _top;
    private long _published;
    private readonly PublishRate _rate = new();
    private IAsyncStream<ChannelMessage>? _stream;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _channel = this.GetPrimaryKeyString();
        _stream = this.GetStreamProvider(StreamNames.Provider)
            .GetStream<ChannelMessage>(StreamId.Create(StreamNames.Channel, _channel));
        (_top, _epoch) = await store.OpenAsync(_channel, cancellationToken);
        LogActivated(logger, _channel, _epoch, _top);
        await RegisterInDirectoryAsync();
    }

    public async ValueTask<ChannelPosition> PublishAsync(PublishRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = (await PublishBatchAsync([request]))[0];
        return result.Error is null ? result.Position : throw new ArgumentException(result.Error, nameof(request));
    }

    public async ValueTask<PublishResult[]> PublishBatchAsync(PublishRequest[] requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new PublishResult[requests.Length];
        var accepted = new List<PublishRequest>(requests.Length);
        for (var i = 0; i < requests.Length; i++)
        {
            if (requests[i]?.Data is null)
                results[i] = PublishResult.Refused("a publication needs data");
            else
                accepted.Add(requests[i]);
        }

        if (accepted.Count == 0)
            return results;

        var messages = NextMessages(accepted);
        try
        {
            await store.AppendBatchAsync(messages);
        }
        catch (HistoryConflictException conflict)
        {
            // The store is not where this activation thought: an append that timed out but landed, another
            // activation that wrote meanwhile, or a lost log. Take the store's position once and retry; a second
            // conflict means something keeps writing behind our back, and the caller gets the error.
            LogAppendConflict(logger, conflict, _channel, messages[0].Offset, messages[0].Epoch);
            await ReopenAsync();
            messages = NextMessages(accepted);
            await store.AppendBatchAsync(messages);
        }

        // Durable from here on: the acks may go out whatever happens to the live fan-out.
        _top = messages[^1].Offset;
        _published += messages.Length;
        foreach (var message in messages)
            _rate.Record(message.TimestampMs);
        try
        {
            await _stream!.OnNextBatchAsync(messages);
        }
        catch (Exception exception)
        {
            // A full memory-stream queue throws InvalidOperationException. Gateways detect the missing offsets on the
            // next publication (or their periodic check) and read them from history, so the publish still succeeds.
            LogStreamPublishFailed(logger, exception, _channel, messages[0].Offset);
        }

        foreach (var message in messages)
            await ForwardToPatternsAsync(message);

        var next = 0;
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Error is null)
            {
                var message = messages[next++];
                results[i] = PublishResult.Published(new ChannelPosition(message.Offset, message.Epoch));
            }
        }

        return results;
    }

    public ValueTask<ChannelPosition> GetPositionAsync() => ValueTask.FromResult(new ChannelPosition(_top, _epoch));

    public async ValueTask<ChannelInfo> GetInfoAsync()
    {
        // Read the position before awaiting: an interleaved publish may move it, and the info then stays one snapshot.
        var (epoch, top, published) = (_epoch, _top, _published);
        var rate = _rate.PerSecond(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var subscribers = LiveSubscribers();
        var historyLength = await store.CountAsync(_channel);
        return new ChannelInfo(_channel, epoch, top, historyLength, subscribers, published, rate);
    }

    public ValueTask ReportSubscribersAsync(string gatewayId, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(gatewayId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
            _subscribers.Remove(gatewayId);
        else
            _subscribers[gatewayId] = new SubscriberReport(count, clock.GetUtcNow());

        return ValueTask.CompletedTask;
    }

    /// <summary>Lists the channel for <c>GET /api/channels</c>; once per activation, and never failing the activation.</summary>
    private async Task RegisterInDirectoryAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IChannelDirectoryGrain>(ChannelDirectory.ShardOf(_channel)).RegisterAsync(_channel);
        }
        catch (Exception exception)
        {
            LogDirectoryFailed(logger, exception, _channel);
        }
    }

    /// <summary>The accepted requests as messages with the offsets after the top, all stamped with one timestamp.</summary>
    private ChannelMessage[] NextMessages(List<PublishRequest> requests)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var messages = new ChannelMessage[requests.Count];
        for (var i = 0; i < messages.Length; i++)
        {
            var request = requests[i];
            messages[i] = new(_channel, _top + 1 + i, _epoch, request.Data, request.From, now, request.Priority, request.Event, request.TraceParent);
        }

        return messages;
    }

    private async Task ReopenAsync()
    {
        var (previousEpoch, previousTop) = (_epoch, _top);
        (_top, _epoch) = await store.OpenAsync(_channel);
        if (_epoch != previousEpoch)
            LogNewEpoch(logger, _channel, previousEpoch, previousTop, _epoch);
        else if (_top < previousTop)
            LogStoreWentBack(logger, _channel, _epoch, previousTop, _top);
    }

    private Dictionary<string, int> LiveSubscribers()
    {
        var now = clock.GetUtcNow();
        var live = new Dictionary<string, int>(_subscribers.Count, StringComparer.Ordinal);
        foreach (var (gatewayId, report) in _subscribers)
        {
            // Dictionary allows Remove while enumerating; expired reports go here rather than on a timer.
            if (now - report.ReportedAt < _subscriberLease)
                live[gatewayId] = report.Count;
            else
                _subscribers.Remove(gatewayId);
        }

        return live;
    }
}
