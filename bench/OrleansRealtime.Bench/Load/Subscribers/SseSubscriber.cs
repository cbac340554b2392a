using System.Buffers;
using System.Net.Http.Headers;

namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>
/// A subscriber on <c>GET /sse?subscribe=bench</c>. The stream is read in chunks into a pooled buffer; every complete
/// event (up to the last blank line) is searched as text, as the WebSocket subscriber searches a message: an event's
/// <c>data:</c> line is the frame's JSON, its <c>id:</c> a base64url token, pings are comment lines without offsets.
/// </summary>
internal sealed class SseSubscriber(PhaseClock clock) : Subscriber(clock)
{
    private const int InitialBuffer = 16 * 1024;

    private readonly CancellationTokenSource _stop = new();
    private HttpResponseMessage? _response;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    public override async Task ConnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sse?subscribe={BenchPayload.Channel}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        _response = await endpoint.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        _response.EnsureSuccessStatusCode();
        var stream = await _response.Content.ReadAsStreamAsync(cancellationToken);
        _ = Task.Run(() => ReadLoopAsync(stream), CancellationToken.None);
        await WaitWelcomedAsync(cancellationToken);
        await WaitSubscribedAsync(cancellationToken);
    }

    public override void Dispose()
    {
        Closed("closed by the bench");
        _stop.Cancel();
        _response?.Dispose();
    }

    private async Task ReadLoopAsync(Stream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        var count = 0;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                    buffer = Grow(buffer, count);
                var read = await stream.ReadAsync(buffer.AsMemory(count), _stop.Token);
                if (read == 0)
                {
                    Closed("the server ended the event stream");
                    return;
                }

                count += read;
                var complete = buffer.AsSpan(0, count).LastIndexOf(EventEnd);
                if (complete < 0)
                    continue;

                var events = complete + EventEnd.Length;
                OnEvents(buffer.AsSpan(0, events));
                buffer.AsSpan(events, count - events).CopyTo(buffer);
                count -= events;
            }
        }
        catch (Exception ex)
        {
            Closed($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await stream.DisposeAsync();
        }
    }

    /// <summary>Until the subscription is live, events are handled one by one (welcome, ack); then as one block.</summary>
    private void OnEvents(ReadOnlySpan<byte> events)
    {
        if (IsLive)
        {
            OnFrames(events, BenchPayload.OffsetKey);
            return;
        }

        // Nothing is published before every subscriber is live: setup chunks hold only welcome and ack events.
        while (events.Length > 0)
        {
            var end = events.IndexOf(EventEnd) + EventEnd.Length;
            OnSetupFrame(events[..end]);
            events = events[end..];
        }
    }
}
