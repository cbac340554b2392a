using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansRealtime.Testing;

/// <summary>
/// The long-polling test client: opens with <c>POST /poll</c>, polls <c>GET /poll/{id}?cursor=N</c> in a loop
/// (confirming each answer with the next poll, as the protocol asks) and sends frames by <c>POST /poll/{id}</c>.
/// </summary>
public sealed class PollingTestClient : RealtimeClient
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly double _pollSeconds;
    private Task _pollLoop = Task.CompletedTask;

    private readonly string _auth;

    private PollingTestClient(HttpClient http, double pollSeconds, string? accessToken)
    {
        _http = http;
        _pollSeconds = pollSeconds;
        _auth = accessToken is null ? string.Empty : "access_token=" + Uri.EscapeDataString(accessToken);
    }

    /// <summary>The cursor of the last answer received.</summary>
    public long Cursor { get; private set; }

    public int Polls { get; private set; }

    /// <summary>Opens a connection; an <paramref name="accessToken"/> goes with every request (as the protocol asks with auth on).</summary>
    public static async Task<PollingTestClient> ConnectAsync(Uri baseUri, string query = "", double pollSeconds = 5, string? accessToken = null)
    {
        var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
        if (accessToken is not null)
            query = (query.Length > 0 ? query + "&" : string.Empty) + "access_token=" + Uri.EscapeDataString(accessToken);
        using var response = await http.PostAsync("/poll" + (query.Length > 0 ? "?" + query : string.Empty), content: null);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            http.Dispose();
            throw new InvalidOperationException($"POST /poll answered {(int)response.StatusCode}: {body}");
        }

        var client = new PollingTestClient(http, pollSeconds, accessToken);
        using (var welcome = JsonDocument.Parse(body))
            client.SetWelcome(welcome.RootElement.Clone());
        client._pollLoop = Task.Run(client.PollLoopAsync);
        return client;
    }

    public override async Task SendTextAsync(string text)
    {
        using var content = new StringContent(text, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync($"/poll/{ConnectionId}?{_auth}", content);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"POST /poll/{{id}} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>POSTs raw bytes as client frames and returns the response (for bad-input tests).</summary>
    public async Task<HttpResponseMessage> PostRawAsync(byte[] body) => await _http.PostAsync($"/poll/{ConnectionId}", new ByteArrayContent(body));

    /// <summary>Stops polling, like a client that vanished; the server must notice on its own.</summary>
    public override void Abort() => _stop.Cancel();

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pollLoop;
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task PollLoopAsync()
    {
        var why = "stopped";
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var response = await _http.GetAsync($"/poll/{ConnectionId}?cursor={Cursor}&timeout={_pollSeconds}&{_auth}", _stop.Token);
                var body = await response.Content.ReadAsStringAsync(_stop.Token);
                Polls++;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    why = $"{(int)response.StatusCode} {body}";
                    return;
                }

                using var answer = JsonDocument.Parse(body);
                Cursor = answer.RootElement.GetProperty("cursor").GetInt64();
                Received(answer.RootElement.GetProperty("frames"));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            why = ex.Message;
        }
        finally
        {
            End(why);
        }
    }
}
