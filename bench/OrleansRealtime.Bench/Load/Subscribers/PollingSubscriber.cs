using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace OrleansRealtime.Bench.Load.Subscribers;

/// <summary>
/// A long-polling subscriber: <c>POST /poll?subscribe=bench</c> (the answer is the welcome; the subscribe ack comes
/// with the first poll), then always exactly one <c>GET /poll/{id}?cursor=N</c> outstanding, each poll confirming the
/// previous answer with its cursor. An answer <c>{"cursor":M,"frames":[…]}</c> is read into a pooled buffer and
/// searched as text, as a WebSocket batch is.
/// </summary>
internal sealed class PollingSubscriber(PhaseClock clock) : Subscriber(clock)
{
    /// <summary>How long one poll waits for frames; the gateway allows at most 25 s.</summary>
    private const int PollTimeoutSeconds = 20;

    private const int InitialBuffer = 16 * 1024;

    private readonly CancellationTokenSource _stop = new();

    private static ReadOnlySpan<byte> CursorKey => "\"cursor\":"u8;

    public override async Task ConnectAsync(SubscriberEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var opened = await endpoint.Http.PostAsync($"/poll?subscribe={BenchPayload.Channel}", content: null, cancellationToken);
        var welcome = await opened.Content.ReadAsByteArrayAsync(cancellationToken);
        if (opened.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"POST /poll answered {(int)opened.StatusCode}: {System.Text.Encoding.UTF8.GetString(welcome)}");

        OnSetupFrame(welcome);
        using var document = JsonDocument.Parse(welcome);
        var connectionId = document.RootElement.GetProperty("connectionId").GetString()!;
        _ = Task.Run(() => PollLoopAsync(endpoint.Http, connectionId), CancellationToken.None);
        await WaitSubscribedAsync(cancellationToken);
    }

    public override void Dispose()
    {
        Closed("closed by the bench");
        _stop.Cancel();
    }

    private async Task PollLoopAsync(HttpClient http, string connectionId)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        var prefix = $"/poll/{connectionId}?timeout={PollTimeoutSeconds}&cursor=";
        long cursor = 0;
        try
        {
            while (true)
            {
                using var response = await http.GetAsync(prefix + cursor.ToString(CultureInfo.InvariantCulture), HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                var count = 0;
                await using (var body = await response.Content.ReadAsStreamAsync(_stop.Token))
                {
                    int read;
                    do
                    {
                        if (count == buffer.Length)
                            buffer = Grow(buffer, count);
                        read = await body.ReadAsync(buffer.AsMemory(count), _stop.Token);
                        count += read;
                    }
                    while (read > 0);
                }

                var answer = buffer.AsSpan(0, count);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Closed($"GET /poll/{{id}} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}");
                    return;
                }

                var position = 0;
                if (!BenchPayload.TryReadNumberAfter(answer, CursorKey, ref position, out cursor))
                    throw new InvalidDataException("a poll answer without a cursor");

                // Nothing is published before every subscriber is live: the answer that carries the ack holds nothing else.
                if (IsLive)
                    OnFrames(answer[position..], BenchPayload.OffsetKey);
                else
                    OnSetupFrame(answer[position..]);
            }
        }
        catch (Exception ex)
        {
            Closed($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
