using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace OrleansRealtime.Bench.RawServer;

/// <summary>One client of the raw server: a bounded queue drained by one writer loop, as the gateway's send queue is.</summary>
internal sealed class RawConnection(WebSocket socket, HttpContext context)
{
    /// <summary>Matches the gateway's default <c>Realtime:Limits:SendQueueFrames</c>.</summary>
    private const int QueueFrames = 4096;

    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueFrames)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = false,
    });

    /// <summary>False when the queue is full (or closed).</summary>
    public bool TryEnqueue(byte[] message) => _queue.Writer.TryWrite(message);

    public void Complete() => _queue.Writer.TryComplete();

    public void Abort()
    {
        Complete();
        context.Abort();
    }

    public async Task WriteLoopAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                while (_queue.Reader.TryRead(out var message))
                    await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection dropped or was cut off.
        }
    }
}
