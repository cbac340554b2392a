using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansRealtime.Testing;

/// <summary>
/// The SSE test client: reads <c>GET /sse</c> as a <c>text/event-stream</c> (every event's <c>data</c> is a frame,
/// its <c>event</c> must name the frame's type), sends frames by <c>POST /sse/{id}</c>, and keeps the last event id
/// so a test can reconnect with <c>Last-Event-ID</c> as a browser would.
/// </summary>
public sealed class SseTestClient : RealtimeClient
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _readLoop;
    private readonly HttpResponseMessage _response;

    private readonly string _auth;

    private SseTestClient(HttpClient http, HttpResponseMessage response, string auth)
    {
        _auth = auth;
        _http = http;
        _response = response;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The id of the last event received: the resume token.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>Comment lines received (heartbeats).</summary>
    public int Comments { get; private set; }

    /// <summary>Every event's <c>event:</c> field, in order (checked against the frame type as events arrive).</summary>
    public int EventCount { get; private set; }

    public static async Task<SseTestClient> ConnectAsync(Uri baseUri, string query = "", string? lastEventId = null, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sse" + (query.Length > 0 ? "?" + query : string.Empty));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);

        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            response.Dispose();
            http.Dispose();
            throw new InvalidOperationException($"GET /sse answered {(int)response.StatusCode}: {body}");
        }

        // A token in the URL goes with the POSTs too: with auth on they must carry the owner's token.
        var token = System.Web.HttpUtility.ParseQueryString(query)["access_token"];
        var client = new SseTestClient(http, response, token is null ? string.Empty : "?access_token=" + Uri.EscapeDataString(token));
        await client.ReadWelcomeAsync(timeout);
        return client;
    }

    public HttpResponseMessage Response => _response;

    public override async Task SendTextAsync(string text)
    {
        using var content = new StringContent(text, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync($"/sse/{ConnectionId}{_auth}", content);
        if ((int)response.StatusCode != 202)
            throw new InvalidOperationException($"POST /sse/{{id}} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>POSTs raw bytes as client frames and returns the response (for bad-input tests).</summary>
    public async Task<HttpResponseMessage> PostRawAsync(byte[] body) => await _http.PostAsync($"/sse/{ConnectionId}", new ByteArrayContent(body));

    public override void Abort() => _stop.Cancel();

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _readLoop;
        _response.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        string? why = "stream ended";
        try
        {
            await using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? eventType = null, id = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                        Dispatch(eventType, id, data.ToString());
                    eventType = null;
                    id = null;
                    data.Clear();
                    continue;
                }

                if (line[0] == ':')
                {
                    Comments++;
                    continue;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "event":
                        eventType = value;
                        break;
                    case "id":
                        id = value;
                        break;
                    case "data":
                        if (data.Length > 0)
                            data.Append('\n');
                        data.Append(value);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            why = ex.Message;
        }
        finally
        {
            End(why);
        }
    }

    private void Dispatch(string? eventType, string? id, string data)
    {
        using var document = JsonDocument.Parse(data);
        var type = document.RootElement.GetProperty("type").GetString();
        if (eventType != type)
            throw new InvalidOperationException($"SSE event '{eventType}' carries a '{type}' frame");
        if (id is not null)
            LastEventId = id;
        EventCount++;
        Received(document.RootElement);
    }
}
