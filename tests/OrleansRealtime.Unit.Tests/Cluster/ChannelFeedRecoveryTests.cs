using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.MicroBench;

namespace OrleansRealtime.Unit.Tests.Cluster;

/// <summary>
/// A subscription recovering with <c>since</c> while its channel keeps publishing: the feed parks live frames while
/// it replays history. Here the replay is slower than the channel (the history read is held while dozens of live
/// messages arrive) and the connection's queue is small, as under a reconnect storm: the client must get every
/// offset once and in order, paced by its own reading, and must not be cut off as a slow consumer. The log is
/// scripted (no cluster): each read is answered from what is stored when the test lets it run.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ChannelFeedRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>16 frames per queue: parked frames overflow after 16, and history is read in pages of 8.</summary>
    private static readonly LimitsOptions SmallQueues = new() { SendQueueFrames = 16 };

    [Fact]
    public async Task ARecoverySlowerThanItsChannelCatchesUpFromHistoryInsteadOfClosingTheClient()
    {
        using var rig = new FanoutRig(subscribers: 0, limitsOptions: SmallQueues);
        var log = new ScriptedLog(stored: 10);
        var session = rig.NewSession("slow");
        var (feed, reader) = await RecoverWhileTheChannelRunsAheadAsync(rig, log, session);
        using var _ = reader;
        feed.Deliver(log.Store(61));

        await reader.WaitForOffsetAsync(61);
        session.CloseReason.Should().BeNull("a recovery that is slow is not a client that is slow");
        reader.Frames[0].Type.Should().Be(ServerFrameType.Ack);
        reader.MessageOffsets().Should().Equal(Enumerable.Range(3, 59).Select(i => (long)i), "every offset after 'since' once, in order");
        log.Reads.Should().BeGreaterThan(1, "the offsets the parked frames lost were read from history");
    }

    [Fact]
    public async Task AHistoryTrimmedDuringARecoveryClosesTheClientInsteadOfLeavingAGap()
    {
        using var rig = new FanoutRig(subscribers: 0, limitsOptions: SmallQueues);
        var log = new ScriptedLog(stored: 10);
        var session = rig.NewSession("trimmed");
        var (_, reader) = await RecoverWhileTheChannelRunsAheadAsync(rig, log, session, onRead: read =>
        {
            if (read == 1)
                log.TrimBelow(40);
        });
        using var __ = reader;

        session.CloseReason.Should().Be(CloseReason.SlowConsumer, "the ack promised recovery, and the rest is gone from history");
        var offsets = reader.MessageOffsets();
        offsets.Should().Equal(Enumerable.Range(3, offsets.Count).Select(i => (long)i), "what was sent has no gap: the client resumes after it");
    }

    /// <summary>
    /// Subscribes <paramref name="session"/> with <c>since</c> offset 2 of <paramref name="log"/> (10 stored) and holds the
    /// first history read while 50 live messages arrive, so the 16 parked frames overflow three times; then lets the
    /// recovery run to its end. <paramref name="onRead"/> sees each read's number (from 0) before it is answered.
    /// </summary>
    private static async Task<(ChannelFeed Feed, QueueReader Reader)> RecoverWhileTheChannelRunsAheadAsync(
        FanoutRig rig, ScriptedLog log, Session session, Action<int>? onRead = null)
    {
        var feed = rig.NewFeed(log);
        await feed.StartAsync();
        var subscription = feed.Add(session, filter: null);
        var firstRead = new TaskCompletionSource();
        log.BeforeRead = read =>
        {
            onRead?.Invoke(read);
            return read == 0 ? firstRead.Task : Task.CompletedTask;
        };
        var reader = new QueueReader(session.Outbound);

        var activation = feed.ActivateAsync(subscription, new RecoveryPosition(2, ScriptedLog.Epoch), Ack);
        for (var offset = 11; offset <= 60; offset++)
            feed.Deliver(log.Store(offset));
        firstRead.SetResult();
        await activation.WaitAsync(Timeout);
        return (feed, reader);
    }

    private static EncodedFrame Ack(ChannelPosition position, bool? recovered) =>
        FrameWriter.SubscribeAck(default, "recovery", position, recovered);

    /// <summary>The connection's writer loop, as a transport runs it: takes every frame as it is queued.</summary>
    private sealed class QueueReader : IDisposable
    {
        private readonly SendQueue _queue;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<EncodedFrame> _frames = [];
        private readonly SemaphoreSlim _arrived = new(0);
        private readonly Task _loop;

        public QueueReader(SendQueue queue)
        {
            _queue = queue;
            _loop = Task.Run(ReadAsync);
        }

        public IReadOnlyList<EncodedFrame> Frames
        {
            get
            {
                lock (_frames)
                    return [.. _frames];
            }
        }

        public List<long> MessageOffsets() => [.. Frames.Where(f => f.Type == ServerFrameType.Message).Select(f => f.Offset)];

        /// <summary>Waits, frame batch by frame batch, until a message with <paramref name="offset"/> was read.</summary>
        public async Task WaitForOffsetAsync(long offset)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (!MessageOffsets().Contains(offset))
            {
                var left = deadline - DateTime.UtcNow;
                var arrived = left > TimeSpan.Zero && await _arrived.WaitAsync(left);
                arrived.Should().BeTrue($"offset {offset} should have been queued within {Timeout}; got {string.Join(",", MessageOffsets())}");
            }
        }

        private async Task ReadAsync()
        {
            try
            {
                while (await _queue.WaitToReadAsync(_stop.Token))
                {
                    while (_queue.TryDequeue(out var frame))
                    {
                        lock (_frames)
                            _frames.Add(frame);
                    }

                    _arrived.Release();
                }
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait(Timeout);
            _stop.Dispose();
            _arrived.Dispose();
        }
    }

    /// <summary>
    /// A channel's log with scripted reads: messages are stored by the test (as a grain would before publishing them),
    /// and each read may be held (<see cref="BeforeRead"/>) and is answered from what is stored once it runs.
    /// </summary>
    private sealed class ScriptedLog : IFeedLog
    {
        public const string Epoch = "e1";

        private readonly SortedDictionary<long, ChannelMessage> _stored = [];
        private long _top;
        private int _reads;

        public ScriptedLog(int stored)
        {
            for (var offset = 1; offset <= stored; offset++)
                Store(offset);
        }

        /// <summary>Runs before read number N (from 0) is answered; the read waits for the task it returns.</summary>
        public Func<int, Task>? BeforeRead { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public string Name => "recovery";

        public FrameEncoder Encoder { get; } = FeedFrames.EncoderFor("recovery");

        public ChannelMessage Store(long offset)
        {
            var message = new ChannelMessage("recovery", offset, Epoch, "{}"u8.ToArray(), "user", 1_764_000_000_000, MessagePriority.Normal);
            lock (_stored)
            {
                _stored[offset] = message;
                _top = offset;
            }

            return message;
        }

        /// <summary>Trims the history as its size limit would: offsets below <paramref name="offset"/> are gone.</summary>
        public void TrimBelow(long offset)
        {
            lock (_stored)
            {
                foreach (var old in _stored.Keys.Where(k => k < offset).ToList())
                    _stored.Remove(old);
            }
        }

        public Task<FeedStreamHandle> SubscribeAsync(ChannelFeed feed) => Task.FromResult(new FeedStreamHandle(() => Task.CompletedTask));

        public ValueTask<ChannelPosition> GetPositionAsync()
        {
            lock (_stored)
                return ValueTask.FromResult(new ChannelPosition(_top, Epoch));
        }

        public async ValueTask<HistoryPage> ReadAsync(HistoryQuery query)
        {
            var read = Interlocked.Increment(ref _reads) - 1;
            if (BeforeRead is { } before)
                await before(read);
            lock (_stored)
            {
                var after = _stored.Values.Where(m => m.Offset > query.After).ToList();
                var continuous = query.After >= _top || _stored.ContainsKey(query.After + 1);
                var page = after.Take(query.Limit).ToList();
                return new HistoryPage(Epoch, _top, page, More: after.Count > page.Count, Continuous: continuous);
            }
        }

        public ValueTask ReportSubscribersAsync(string gatewayId, int count) => ValueTask.CompletedTask;
    }
}
