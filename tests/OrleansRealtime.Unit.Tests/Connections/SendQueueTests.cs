using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Unit.Tests.Connections;

[Trait("Category", "Unit")]
public sealed class SendQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void FramesComeOutInTheOrderTheyWentIn()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);
        var frames = Enumerable.Range(1, 5).Select(i => Frame(i)).ToList();

        foreach (var frame in frames)
            queue.TryEnqueue(frame).Should().Be(EnqueueResult.Enqueued);

        Drain(queue).Should().Equal(frames, (a, b) => ReferenceEquals(a, b));
    }

    [Fact]
    public void PriorityDoesNotReorderFrames()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);
        var frames = new[] { Frame(1, MessagePriority.Low), Frame(2, MessagePriority.High), Frame(3), Frame(4, MessagePriority.High) };

        foreach (var frame in frames)
            queue.TryEnqueue(frame).Should().Be(EnqueueResult.Enqueued);

        Drain(queue).Should().Equal(frames, (a, b) => ReferenceEquals(a, b));
    }

    [Fact]
    public void DequeueFromAnEmptyQueueFindsNothing()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);

        queue.TryDequeue(out _).Should().BeFalse();
        queue.Count.Should().Be(0);
        queue.Bytes.Should().Be(0);
    }

    [Fact]
    public void BytesTrackTheQueuedFramesAndReturnToZeroWhenDrained()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);

        queue.TryEnqueue(Frame(10));
        queue.TryEnqueue(Frame(20));
        queue.TryEnqueue(Frame(30));

        queue.Count.Should().Be(3);
        queue.Bytes.Should().Be(60);

        queue.TryDequeue(out var first).Should().BeTrue();
        first.Utf8.Length.Should().Be(10);
        queue.Bytes.Should().Be(50);

        Drain(queue);
        queue.Count.Should().Be(0);
        queue.Bytes.Should().Be(0);
    }

    [Fact]
    public void LowPriorityFramesAreDroppedOnceHalfTheFrameCapacityIsQueued()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024 * 1024);
        for (var i = 0; i < 7; i++)
            queue.TryEnqueue(Frame(1)).Should().Be(EnqueueResult.Enqueued);

        // 7 of 16 queued: still below half.
        queue.TryEnqueue(Frame(1, MessagePriority.Low)).Should().Be(EnqueueResult.Enqueued);

        // 8 of 16: at half.
        queue.TryEnqueue(Frame(1, MessagePriority.Low)).Should().Be(EnqueueResult.DroppedLowPriority);
        queue.TryEnqueue(Frame(1, MessagePriority.Normal)).Should().Be(EnqueueResult.Enqueued);
        queue.TryEnqueue(Frame(1, MessagePriority.High)).Should().Be(EnqueueResult.Enqueued);
        queue.TryEnqueue(Frame(1, MessagePriority.Low)).Should().Be(EnqueueResult.DroppedLowPriority);

        queue.Count.Should().Be(10);
        queue.Bytes.Should().Be(10);
    }

    [Fact]
    public void LowPriorityFramesAreDroppedOnceHalfTheByteCapacityIsQueued()
    {
        var queue = new SendQueue(maxFrames: 100, maxBytes: 1000);
        queue.TryEnqueue(Frame(499)).Should().Be(EnqueueResult.Enqueued);

        // 499 of 1000 bytes: still below half.
        queue.TryEnqueue(Frame(1, MessagePriority.Low)).Should().Be(EnqueueResult.Enqueued);

        // 500 of 1000: at half.
        queue.TryEnqueue(Frame(1, MessagePriority.Low)).Should().Be(EnqueueResult.DroppedLowPriority);
        queue.TryEnqueue(Frame(100, MessagePriority.Normal)).Should().Be(EnqueueResult.Enqueued);
        queue.TryEnqueue(Frame(100, MessagePriority.High)).Should().Be(EnqueueResult.Enqueued);

        queue.Count.Should().Be(4);
        queue.Bytes.Should().Be(700);
    }

    [Fact]
    public void LowPriorityFramesAreAcceptedAgainOnceTheQueueDrainsBelowHalf()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024 * 1024);
        for (var i = 0; i < 8; i++)
            queue.TryEnqueue(Frame(1));
        queue.TryEnqueue(Frame(1, MessagePriority.Low)).Should().Be(EnqueueResult.DroppedLowPriority);

        queue.TryDequeue(out _).Should().BeTrue();

        queue.TryEnqueue(Frame(1, MessagePriority.Low)).Should().Be(EnqueueResult.Enqueued);
    }

    [Fact]
    public void QueueIsFullAtItsFrameCapacity()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024 * 1024);
        for (var i = 0; i < 16; i++)
            queue.TryEnqueue(Frame(10, MessagePriority.High)).Should().Be(EnqueueResult.Enqueued);

        queue.TryEnqueue(Frame(10)).Should().Be(EnqueueResult.Full);
        queue.TryEnqueue(Frame(10, MessagePriority.High)).Should().Be(EnqueueResult.Full);

        queue.Count.Should().Be(16);
        queue.Bytes.Should().Be(160, "a refused frame must not count towards the queued bytes");
    }

    [Fact]
    public void QueueIsFullWhenAFrameWouldExceedTheByteCapacity()
    {
        var queue = new SendQueue(maxFrames: 100, maxBytes: 1000);
        queue.TryEnqueue(Frame(600)).Should().Be(EnqueueResult.Enqueued);

        // Exactly at capacity is still accepted.
        queue.TryEnqueue(Frame(400)).Should().Be(EnqueueResult.Enqueued);
        queue.TryEnqueue(Frame(1, MessagePriority.High)).Should().Be(EnqueueResult.Full);

        queue.Count.Should().Be(2);
        queue.Bytes.Should().Be(1000);
    }

    [Fact]
    public void FrameLargerThanTheByteCapacityIsRefusedEvenByAnEmptyQueue()
    {
        var queue = new SendQueue(maxFrames: 100, maxBytes: 1000);

        queue.TryEnqueue(Frame(1001)).Should().Be(EnqueueResult.Full);

        queue.Count.Should().Be(0);
        queue.Bytes.Should().Be(0);
    }

    [Fact]
    public void FullQueueAcceptsFramesAgainAfterADequeue()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024 * 1024);
        for (var i = 0; i < 16; i++)
            queue.TryEnqueue(Frame(1));
        queue.TryEnqueue(Frame(1)).Should().Be(EnqueueResult.Full);

        queue.TryDequeue(out _).Should().BeTrue();

        queue.TryEnqueue(Frame(1)).Should().Be(EnqueueResult.Enqueued);
    }

    [Theory]
    [InlineData(MessagePriority.Low)]
    [InlineData(MessagePriority.Normal)]
    [InlineData(MessagePriority.High)]
    public void CompletedQueueRefusesFramesAsClosed(MessagePriority priority)
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);

        queue.Complete();

        queue.TryEnqueue(Frame(1, priority)).Should().Be(EnqueueResult.Closed);
        queue.Count.Should().Be(0);
        queue.Bytes.Should().Be(0);
    }

    [Fact]
    public async Task CompletedQueueStillDrainsWhatWasQueued()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);
        var first = Frame(1);
        var second = Frame(2);
        queue.TryEnqueue(first);
        queue.TryEnqueue(second);

        queue.Complete();

        (await queue.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout)).Should().BeTrue();
        Drain(queue).Should().Equal(new[] { first, second }, (a, b) => ReferenceEquals(a, b));
        queue.Bytes.Should().Be(0);
        (await queue.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout)).Should().BeFalse();
    }

    [Fact]
    public async Task WaitToReadReturnsFalseOnceCompletedAndEmpty()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);

        queue.Complete();

        (await queue.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout)).Should().BeFalse();
    }

    [Fact]
    public async Task PendingWaitCompletesWhenAFrameArrives()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);
        var wait = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        wait.IsCompleted.Should().BeFalse();

        queue.TryEnqueue(Frame(1));

        (await wait.WaitAsync(Timeout)).Should().BeTrue();
    }

    [Fact]
    public async Task PendingWaitReturnsFalseWhenTheQueueIsCompleted()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);
        var wait = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        wait.IsCompleted.Should().BeFalse();

        queue.Complete();

        (await wait.WaitAsync(Timeout)).Should().BeFalse();
    }

    [Fact]
    public async Task WaitIsCancelledByItsToken()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);
        using var cancellation = new CancellationTokenSource();
        var wait = queue.WaitToReadAsync(cancellation.Token).AsTask();

        await cancellation.CancelAsync();

        var act = () => wait.WaitAsync(Timeout);
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task AWaitAfterACancelledOneIsWokenByTheNextFrame()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);
        using (var cancellation = new CancellationTokenSource())
        {
            var cancelled = queue.WaitToReadAsync(cancellation.Token).AsTask();
            await cancellation.CancelAsync();
            await FluentActions.Awaiting(() => cancelled.WaitAsync(Timeout)).Should().ThrowAsync<OperationCanceledException>();
        }

        var wait = queue.WaitToReadAsync(CancellationToken.None).AsTask();
        wait.IsCompleted.Should().BeFalse();
        queue.TryEnqueue(Frame(1));

        (await wait.WaitAsync(Timeout)).Should().BeTrue();
    }

    [Fact]
    public async Task AReaderWaitingBetweenFramesGetsEveryFrameOfConcurrentWritersOnceAndInEachWritersOrder()
    {
        const int writers = 4;
        const int framesPerWriter = 5000;
        var queue = new SendQueue(maxFrames: writers * framesPerWriter, maxBytes: long.MaxValue);
        var origin = new Dictionary<EncodedFrame, (int Writer, int Index)>(ReferenceEqualityComparer.Instance);
        var frames = Enumerable.Range(0, writers).Select(w => Enumerable.Range(0, framesPerWriter).Select(i =>
        {
            var frame = Frame(1);
            origin[frame] = (w, i);
            return frame;
        }).ToArray()).ToArray();

        // The reader drains and waits again as the writer loops do, so offers race with arming the wait.
        var reader = Task.Run(async () =>
        {
            var next = new int[writers];
            var received = 0;
            while (received < writers * framesPerWriter && await queue.WaitToReadAsync(CancellationToken.None))
            {
                while (queue.TryDequeue(out var frame))
                {
                    var (writer, index) = origin[frame];
                    index.Should().Be(next[writer]++, "writer {0}'s frames arrive in order, none lost or repeated", writer);
                    received++;
                }
            }

            return received;
        });
        await Task.WhenAll(frames.Select(own => Task.Run(() =>
        {
            foreach (var frame in own)
                queue.TryEnqueue(frame).Should().Be(EnqueueResult.Enqueued);
        }))).WaitAsync(Timeout);

        (await reader.WaitAsync(Timeout)).Should().Be(writers * framesPerWriter);
        queue.Count.Should().Be(0);
    }

    [Fact]
    public void CompleteIsIdempotent()
    {
        var queue = new SendQueue(maxFrames: 16, maxBytes: 1024);

        queue.Complete();
        var again = () => queue.Complete();

        again.Should().NotThrow();
        queue.TryEnqueue(Frame(1)).Should().Be(EnqueueResult.Closed);
    }

    [Fact]
    public async Task ConcurrentWritersNeverExceedTheCapacities()
    {
        const int maxFrames = 64;
        const long maxBytes = 4096;
        var queue = new SendQueue(maxFrames, maxBytes);
        var enqueued = 0;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
                if (queue.TryEnqueue(Frame(50)) == EnqueueResult.Enqueued)
                    Interlocked.Increment(ref enqueued);
        }))).WaitAsync(Timeout);

        queue.Count.Should().Be(enqueued);
        queue.Count.Should().BeLessThanOrEqualTo(maxFrames);
        queue.Bytes.Should().Be(enqueued * 50L).And.BeLessThanOrEqualTo(maxBytes);
    }

    [Fact]
    public async Task WaitForRoomCompletesOnceTheReaderTakesTheQueueToHalfFull()
    {
        var queue = new SendQueue(maxFrames: 8, maxBytes: 1024);
        (await queue.WaitForRoomAsync().WaitAsync(Timeout)).Should().BeTrue("an empty queue has room");
        for (var i = 0; i < 7; i++)
            queue.TryEnqueue(Frame(1)).Should().Be(EnqueueResult.Enqueued);

        var room = queue.WaitForRoomAsync();
        for (var taken = 0; taken < 2; taken++)
        {
            queue.TryDequeue(out _).Should().BeTrue();
            room.IsCompleted.Should().BeFalse($"{7 - taken - 1} of 8 frames queued is more than half");
        }

        queue.TryDequeue(out _).Should().BeTrue();
        (await room.WaitAsync(Timeout)).Should().BeTrue("4 of 8 frames queued is half");
    }

    [Fact]
    public async Task WaitForRoomAnswersFalseWhenTheQueueIsCompleted()
    {
        var queue = new SendQueue(maxFrames: 4, maxBytes: 1024);
        for (var i = 0; i < 4; i++)
            queue.TryEnqueue(Frame(1)).Should().Be(EnqueueResult.Enqueued);

        var room = queue.WaitForRoomAsync();
        queue.Complete();

        (await room.WaitAsync(Timeout)).Should().BeFalse("a closing connection takes no more history");
        (await queue.WaitForRoomAsync().WaitAsync(Timeout)).Should().BeFalse();
    }

    private static EncodedFrame Frame(int size, MessagePriority priority = MessagePriority.Normal)
        => new(ServerFrameType.Message, new byte[size], priority);

    private static List<EncodedFrame> Drain(SendQueue queue)
    {
        var frames = new List<EncodedFrame>();
        while (queue.TryDequeue(out var frame))
            frames.Add(frame);
        return frames;
    }
}
