using System.Text;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Unit.Tests.Cluster;

/// <summary>
/// The gateway's group commit against a channel grain whose calls the test answers by hand: one call in flight per
/// channel, publications that arrive meanwhile go together in the next call in arrival order, channels do not wait for
/// each other, and every publication gets its own result or error.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PublishBatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const string Epoch = "e1";

    private readonly Dictionary<string, FakeChannelGrain> _grains = new(StringComparer.Ordinal);
    private readonly PublishBatcher _batcher;

    private int _calls;

    public PublishBatcherTests() => _batcher = new PublishBatcher(Grain, () => Interlocked.Increment(ref _calls));

    [Fact]
    public async Task OneCallIsInFlightPerChannelAndLaterPublicationsGoInTheNextCallInArrivalOrder()
    {
        var first = _batcher.PublishAsync("a", Request("1"));
        var waiting = new[] { "2", "3", "4" }.Select(text => _batcher.PublishAsync("a", Request(text))).ToList();

        var grain = _grains["a"];
        grain.Calls.Should().ContainSingle("the later publications wait for the first call").Which.Texts.Should().Equal("1");
        await grain.AnswerAsync(0);
        (await first.WithTimeout(Timeout, "the first publication")).Should().Be(new ChannelPosition(1, Epoch));

        (await grain.CallAsync(1)).Texts.Should().Equal("2", "3", "4");
        await grain.AnswerAsync(1);
        (await Task.WhenAll(waiting).WithTimeout(Timeout, "the batch")).Select(p => p.Offset).Should().Equal(2, 3, 4);
        _calls.Should().Be(2, "each batch is one grain call, and each call is counted");
    }

    [Fact]
    public async Task ChannelsDoNotWaitForEachOther()
    {
        var a = _batcher.PublishAsync("a", Request("a1"));
        var b = _batcher.PublishAsync("b", Request("b1"));

        _grains["a"].Calls.Should().ContainSingle();
        _grains["b"].Calls.Should().ContainSingle("another channel's call is not held up by the first one's");
        await _grains["b"].AnswerAsync(0);
        (await b.WithTimeout(Timeout, "channel b")).Offset.Should().Be(1);
        a.IsCompleted.Should().BeFalse();
        await _grains["a"].AnswerAsync(0);
        (await a.WithTimeout(Timeout, "channel a")).Offset.Should().Be(1);
    }

    [Fact]
    public async Task ARefusedPublicationFailsAloneAndTheOthersOfItsBatchSucceed()
    {
        var first = _batcher.PublishAsync("a", Request("1"));
        var good = _batcher.PublishAsync("a", Request("2"));
        var refused = _batcher.PublishAsync("a", Request("refuse"));
        var last = _batcher.PublishAsync("a", Request("3"));
        var grain = _grains["a"];
        await grain.AnswerAsync(0);
        await first.WithTimeout(Timeout, "the first publication");

        await grain.AnswerAsync(1);

        (await good.WithTimeout(Timeout, "the good one")).Offset.Should().Be(2);
        await FluentActions.Awaiting(() => refused.WithTimeout(Timeout, "the refused one")).Should().ThrowAsync<ArgumentException>().WithMessage("refused*");
        (await last.WithTimeout(Timeout, "the last one")).Offset.Should().Be(3);
    }

    [Fact]
    public async Task AFailedCallFailsEveryPublicationOfItsBatchAndTheNextBatchStillGoes()
    {
        var first = _batcher.PublishAsync("a", Request("1"));
        var batch = new[] { "2", "3" }.Select(text => _batcher.PublishAsync("a", Request(text))).ToList();
        var grain = _grains["a"];
        await grain.AnswerAsync(0);
        await first.WithTimeout(Timeout, "the first publication");
        var after = _batcher.PublishAsync("a", Request("4"));

        await grain.FailAsync(1, new TimeoutException("silo too slow"));

        foreach (var failed in batch)
            await FluentActions.Awaiting(() => failed.WithTimeout(Timeout, "a failed publication")).Should().ThrowAsync<TimeoutException>();
        (await grain.CallAsync(2)).Texts.Should().Equal("4");
        await grain.AnswerAsync(2);
        (await after.WithTimeout(Timeout, "the publication after the failure")).Offset.Should().Be(2);
    }

    [Fact]
    public async Task ACallCarriesAtMostMaxBatchPublications()
    {
        var first = _batcher.PublishAsync("a", Request("first"));
        var queued = Enumerable.Range(0, PublishBatcher.MaxBatch + 3).Select(i => _batcher.PublishAsync("a", Request($"m{i}"))).ToList();
        var grain = _grains["a"];

        await grain.AnswerAsync(0);
        await first.WithTimeout(Timeout, "the first publication");
        (await grain.CallAsync(1)).Texts.Should().HaveCount(PublishBatcher.MaxBatch);
        await grain.AnswerAsync(1);
        (await grain.CallAsync(2)).Texts.Should().Equal("m" + PublishBatcher.MaxBatch, "m" + (PublishBatcher.MaxBatch + 1), "m" + (PublishBatcher.MaxBatch + 2));
        await grain.AnswerAsync(2);

        (await Task.WhenAll(queued).WithTimeout(Timeout, "every publication")).Select(p => p.Offset)
            .Should().Equal(Enumerable.Range(2, PublishBatcher.MaxBatch + 3).Select(i => (long)i));
    }

    private FakeChannelGrain Grain(string channel)
    {
        lock (_grains)
        {
            if (!_grains.TryGetValue(channel, out var grain))
                _grains[channel] = grain = new FakeChannelGrain();
            return grain;
        }
    }

    private static PublishRequest Request(string text) => new(Encoding.UTF8.GetBytes(text), "user-1");

    /// <summary>A channel grain whose batch calls wait until the test answers them; it numbers like the real one.</summary>
    private sealed class FakeChannelGrain : IChannelGrain
    {
        private readonly List<TaskCompletionSource<Call>> _calls = [];
        private long _top;
        private int _made;

        /// <summary>The calls made so far, in order.</summary>
        public IReadOnlyList<Call> Calls
        {
            get
            {
                lock (_calls)
                    return [.. _calls.TakeWhile(c => c.Task.IsCompleted).Select(c => c.Task.Result)];
            }
        }

        /// <summary>The call with this index, once the batcher made it (calls arrive in order).</summary>
        public Task<Call> CallAsync(int index) => Slot(index).Task.WithTimeout(Timeout, $"call {index} of the batcher");

        private TaskCompletionSource<Call> Slot(int index)
        {
            lock (_calls)
            {
                while (_calls.Count <= index)
                    _calls.Add(new TaskCompletionSource<Call>(TaskCreationOptions.RunContinuationsAsynchronously));
                return _calls[index];
            }
        }

        public async Task AnswerAsync(int index)
        {
            var call = await CallAsync(index);
            var results = call.Requests.Select(request => Encoding.UTF8.GetString(request.Data) == "refuse"
                ? PublishResult.Refused("refused by the test")
                : PublishResult.Published(new ChannelPosition(++_top, Epoch))).ToArray();
            call.Answer.SetResult(results);
        }

        public async Task FailAsync(int call, Exception exception) => (await CallAsync(call)).Answer.SetException(exception);

        public ValueTask<PublishResult[]> PublishBatchAsync(PublishRequest[] requests)
        {
            var call = new Call(requests);
            lock (_calls)
                Slot(_made++).SetResult(call);
            return new ValueTask<PublishResult[]>(call.Answer.Task);
        }

        public ValueTask<ChannelPosition> PublishAsync(PublishRequest request) => throw new NotSupportedException();

        public ValueTask<HistoryPage> ReadAsync(HistoryQuery query) => throw new NotSupportedException();

        public ValueTask<ChannelPosition> GetPositionAsync() => throw new NotSupportedException();

        public ValueTask<ChannelInfo> GetInfoAsync() => throw new NotSupportedException();

        public ValueTask ReportSubscribersAsync(string gatewayId, int count) => throw new NotSupportedException();
    }

    private sealed record Call(PublishRequest[] Requests)
    {
        public TaskCompletionSource<PublishResult[]> Answer { get; } = new();

        public IEnumerable<string> Texts => Requests.Select(r => Encoding.UTF8.GetString(r.Data));
    }
}
