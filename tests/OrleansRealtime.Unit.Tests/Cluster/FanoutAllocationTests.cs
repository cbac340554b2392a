using OrleansRealtime.MicroBench;

namespace OrleansRealtime.Unit.Tests.Cluster;

/// <summary>
/// The fan-out hot path (encode once, offer the frame to every local session's send queue, count once) allocates
/// nothing per subscriber: a message costs the same allocated bytes whether one session or a thousand get it. Measured
/// with <see cref="GC.GetAllocatedBytesForCurrentThread"/>, which counts exactly what this thread allocated, so the
/// assertion is structural and independent of machine load.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FanoutAllocationTests
{
    private const int WarmupMessages = 50;
    private const int MeasuredMessages = 200;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FanningAMessageOutAllocatesNothingPerSubscriber(bool metricsReaderListening)
    {
        var listener = metricsReaderListening ? MeterListenerKind.MetricsReader : MeterListenerKind.None;
        var one = AllocatedBytesPerMessage(subscribers: 1, listener);
        var thousand = AllocatedBytesPerMessage(subscribers: 1000, listener);

        one.Messages.Should().Be(MeasuredMessages);
        thousand.Frames.Should().Be(MeasuredMessages * 1000L, "every subscriber got every message");
        var perSubscriber = (thousand.Bytes - one.Bytes) / (double)(999 * MeasuredMessages);
        perSubscriber.Should().Be(0, $"a message allocated {one.Bytes / MeasuredMessages} bytes with 1 subscriber and {thousand.Bytes / MeasuredMessages} with 1,000");
    }

    [Fact]
    public void TheFanOutStillAllocatesItsEncodedFrameOncePerMessage()
    {
        // The other side of the same measurement: it is not zero because nothing was measured.
        AllocatedBytesPerMessage(subscribers: 10, MeterListenerKind.None).Bytes.Should().BeGreaterThan(0);
    }

    private static (long Bytes, int Messages, long Frames) AllocatedBytesPerMessage(int subscribers, MeterListenerKind listener)
    {
        using var rig = new FanoutRig(subscribers, listener);
        for (var i = 0; i < WarmupMessages; i++)
        {
            rig.Deliver(rig.NextMessage());
            rig.Drain();
        }

        // Messages are made up front: the measurement covers the fan-out only.
        var messages = Enumerable.Range(0, MeasuredMessages).Select(_ => rig.NextMessage()).ToArray();
        long frames = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var message in messages)
        {
            rig.Deliver(message);
            frames += rig.Drain();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (allocated, messages.Length, frames);
    }
}
