using System.Buffers;

namespace OrleansRealtime.Gateway.Transports.WebSockets;

/// <summary>
/// The upgraded connection's stream, as the WebSocket sees it, with one addition: while <see cref="Hold"/> is set, the
/// WebSocket's writes (each a complete frame) are collected in a pooled buffer instead of being written, and the first
/// write after it is cleared goes out together with them in one write. The writer loop holds while more frames are
/// queued, so a connection that is behind gets its backlog in one transport write and one send system call instead of
/// one per frame; a connection that keeps up writes each frame at once, as before.
/// </summary>
/// <remarks>
/// Frames are never split or reordered: the WebSocket serializes its writes (data, pongs, pings, close) under its own
/// send lock, and every write either joins the held bytes or flushes them first. The held buffer is rented only while
/// frames are held, so an idle connection holds none, and it is bounded by <see cref="MaxHeldBytes"/>.
/// </remarks>
internal sealed class CoalescingStream(Stream inner) : Stream
{
    /// <summary>Held bytes beyond which a write goes out at once (flushing what was held before it).</summary>
    public const int MaxHeldBytes = 64 * 1024;

    /// <summary>The held buffer's first size: about a dozen 300-byte message frames.</summary>
    private const int InitialHeldBytes = 4096;

    private byte[]? _held;
    private int _heldCount;

    /// <summary>Set by the writer loop while more frames are queued behind the one it is sending.</summary>
    public bool Hold { get; set; }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Hold && _heldCount + buffer.Length <= MaxHeldBytes)
        {
            Append(buffer.Span);
            return ValueTask.CompletedTask;
        }

        return _heldCount == 0 ? inner.WriteAsync(buffer, cancellationToken) : WriteWithHeldAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The WebSocket flushes after every frame it writes. While <see cref="Hold"/> is set that flush is deferred: the
    /// writer loop clears the flag for the backlog's last frame, whose write carries everything held. Flushing held bytes
    /// here would send every frame on its own, which is what holding exists to avoid.
    /// </summary>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        if (Hold)
            return Task.CompletedTask;
        return _heldCount == 0 ? inner.FlushAsync(cancellationToken) : FlushHeldAsync(cancellationToken);
    }

    private async Task FlushHeldAsync(CancellationToken cancellationToken)
    {
        await WriteWithHeldAsync(ReadOnlyMemory<byte>.Empty, cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        Release();
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Writes what was held together with <paramref name="buffer"/>: one write when both fit the held buffer.</summary>
    private async ValueTask WriteWithHeldAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            if (_heldCount + buffer.Length <= MaxHeldBytes)
            {
                Append(buffer.Span);
                await inner.WriteAsync(_held.AsMemory(0, _heldCount), cancellationToken);
            }
            else
            {
                await inner.WriteAsync(_held.AsMemory(0, _heldCount), cancellationToken);
                await inner.WriteAsync(buffer, cancellationToken);
            }
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// Adds a frame to the held bytes. The buffer starts at <see cref="InitialHeldBytes"/> (a few typical frames) and
    /// doubles as needed: a thousand writers draining at once each rent a small pooled array, not 64 KiB.
    /// </summary>
    private void Append(ReadOnlySpan<byte> bytes)
    {
        var needed = _heldCount + bytes.Length;
        if (_held is null || _held.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _held is null ? InitialHeldBytes : _held.Length * 2));
            if (_held is not null)
            {
                _held.AsSpan(0, _heldCount).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_held);
            }

            _held = bigger;
        }

        bytes.CopyTo(_held.AsSpan(_heldCount));
        _heldCount = needed;
    }

    /// <summary>Returns the held buffer; an abort may dispose the stream while a write's own release runs, so only one returns it.</summary>
    private void Release()
    {
        _heldCount = 0;
        if (Interlocked.Exchange(ref _held, null) is { } held)
            ArrayPool<byte>.Shared.Return(held);
    }
}
