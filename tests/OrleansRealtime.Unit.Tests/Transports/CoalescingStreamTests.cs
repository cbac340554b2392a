using System.Text;
using OrleansRealtime.Gateway.Transports.WebSockets;

namespace OrleansRealtime.Unit.Tests.Transports;

[Trait("Category", "Unit")]
public sealed class CoalescingStreamTests
{
    [Fact]
    public async Task WritesGoStraightThroughWhileNothingIsHeld()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);

        await stream.WriteAsync(Bytes("a"));
        await stream.WriteAsync(Bytes("b"));

        inner.Writes.Should().Equal("a", "b");
    }

    [Fact]
    public async Task HeldFramesGoOutInOneWriteWithTheFirstFrameThatIsNotHeld()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);

        stream.Hold = true;
        await stream.WriteAsync(Bytes("one,"));
        await stream.WriteAsync(Bytes("two,"));
        inner.Writes.Should().BeEmpty("held frames wait for the last one");

        stream.Hold = false;
        await stream.WriteAsync(Bytes("three"));

        inner.Writes.Should().Equal("one,two,three");
    }

    [Fact]
    public async Task HeldBytesNeverExceedTheBoundAndKeepTheirOrder()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        var frame = new string('x', 1000);
        var frames = CoalescingStream.MaxHeldBytes / frame.Length + 5;

        stream.Hold = true;
        for (var i = 0; i < frames; i++)
            await stream.WriteAsync(Bytes(frame));
        stream.Hold = false;
        await stream.FlushAsync();

        inner.Writes.Should().HaveCountGreaterThan(1, "more than the bound was held");
        inner.Writes.Should().OnlyContain(write => write.Length <= CoalescingStream.MaxHeldBytes);
        string.Concat(inner.Writes).Should().Be(string.Concat(Enumerable.Repeat(frame, frames)));
    }

    [Fact]
    public async Task FlushWaitsWhileHoldingAndWritesWhatIsHeldOnceReleased()
    {
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);

        stream.Hold = true;
        await stream.WriteAsync(Bytes("held"));
        await stream.FlushAsync();
        inner.Writes.Should().BeEmpty("a flush while the writer holds waits for the backlog's last frame");

        stream.Hold = false;
        await stream.FlushAsync();

        inner.Writes.Should().Equal("held");
        inner.Flushes.Should().Be(1);
    }

    [Fact]
    public async Task ABacklogWrittenAndFlushedFrameByFrameGoesOutInOneWrite()
    {
        // What ManagedWebSocket does for each message: write the frame, then flush.
        var inner = new RecordingStream();
        await using var stream = new CoalescingStream(inner);
        string[] frames = ["one,", "two,", "three"];

        for (var i = 0; i < frames.Length; i++)
        {
            stream.Hold = i < frames.Length - 1;
            await stream.WriteAsync(Bytes(frames[i]));
            await stream.FlushAsync();
        }

        inner.Writes.Should().Equal("one,two,three");
        inner.Flushes.Should().Be(1);
    }

    [Fact]
    public async Task ReadsComeFromTheConnection()
    {
        var inner = new RecordingStream(Bytes("from the client"));
        await using var stream = new CoalescingStream(inner);
        var buffer = new byte[64];

        var read = await stream.ReadAsync(buffer);

        Encoding.UTF8.GetString(buffer, 0, read).Should().Be("from the client");
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A connection that records each write it was given as one string.</summary>
    private sealed class RecordingStream(byte[]? incoming = null) : MemoryStream(incoming ?? [])
    {
        public List<string> Writes { get; } = [];

        public int Flushes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(Encoding.UTF8.GetString(buffer.Span));
            return ValueTask.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }
    }
}
