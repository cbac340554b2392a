using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Gateway.Tests.Security;
using OrleansRealtime.Testing;
using Xunit.Abstractions;

namespace OrleansRealtime.Gateway.Tests.Hostile;

/// <summary>
/// The hostile-input suite: at least 10,000 generated inputs per transport. Afterwards the gateway still answers
/// <c>/health/live</c>, the hostile connection (or a new one, where the input legitimately closed it) still works,
/// nothing was answered with a server error, and a subscriber on another connection received every message
/// published legitimately during the barrage, in order.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class HostileInputTests(HostileInputTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<HostileInputTests.Fixture>
{
    public const int Inputs = 10_000;
    public const int MaxFrameBytes = 4096;

    /// <summary>One legitimate publication every this many hostile inputs.</summary>
    private const int PublishEvery = 50;

    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Auth:JwtSecret"] = TestTokens.Secret,
            ["Realtime:Limits:MaxFrameBytes"] = MaxFrameBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The suite measures robustness, not abuse handling (which closes such a client: see RateLimitTests).
            ["Realtime:Limits:AbuseThreshold"] = "1000000",
        };
    }

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public Task WebSocket() => BarrageAsync("websocket", async () => await Gateway.ConnectAsync(), async (client, input) =>
    {
        var socket = (RealtimeTestClient)client;
        if (socket.State != WebSocketState.Open)
            return false;
        try
        {
            await socket.SendBytesAsync(input, WebSocketMessageType.Text);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            return false; // closed by a previous input (an oversized frame: 1009; invalid UTF-8 in a text frame: 1007)
        }
    });

    [Fact]
    public Task Sse() => BarrageAsync("sse", async () => await SseTestClient.ConnectAsync(Gateway.BaseUri), (client, input) => PostAsync($"/sse/{client.ConnectionId}", input));

    [Fact]
    public Task LongPolling() => BarrageAsync("polling", async () => await PollingTestClient.ConnectAsync(Gateway.BaseUri), (client, input) => PostAsync($"/poll/{client.ConnectionId}", input));

    [Fact]
    public Task SignalR() => BarrageAsync("signalr", async () => await SignalRTestClient.ConnectAsync(Gateway.BaseUri, HttpTransportType.WebSockets), async (client, input) =>
    {
        var hub = (SignalRTestClient)client;
        if (hub.Connection.State != Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected)
            return false;

        // The official client only sends valid JSON: hostile JSON goes as the argument, anything else as a string.
        object argument;
        try
        {
            argument = JsonDocument.Parse(input).RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            argument = Encoding.UTF8.GetString(input);
        }

        var method = Methods[input.Length % Methods.Length];
        try
        {
            var answer = await hub.InvokeAsync(method, argument);
            answer.GetProperty("type").GetString().Should().BeOneOf("ack", "error", "pong");
            return true;
        }
        catch (HubException)
        {
            return true; // an argument SignalR itself could not bind: answered as an invocation error
        }
        catch (Exception ex) when (ex is InvalidOperationException or TaskCanceledException or IOException)
        {
            return false; // a message over the hub's size limit closes the connection
        }
    });

    private static readonly string[] Methods = ["Subscribe", "Unsubscribe", "Publish", "History", "Ping"];

    private async Task<bool> PostAsync(string path, byte[] input)
    {
        using var response = await Gateway.Http.PostAsync(path, new ByteArrayContent(input));
        ((int)response.StatusCode).Should().BeLessThan(500, $"hostile input must never be a server error (POST {path})");
        if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.RequestEntityTooLarge))
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return true;
    }

    /// <summary>Sends every input through <paramref name="send"/> (false: the connection is gone, reconnect) while a bystander publishes.</summary>
    private async Task BarrageAsync(string transport, Func<Task<RealtimeClient>> connect, Func<RealtimeClient, byte[], Task<bool>> send)
    {
        var channel = TestNames.Channel("hostile");
        await using var subscriber = await Gateway.ConnectAsync();
        await subscriber.SubscribeAsync(channel);
        await using var publisher = await Gateway.ConnectAsync();
        using var tokens = new TestTokens();
        string[] badTokens =
        [
            TestTokens.AlgNone("mallory"),
            tokens.Hs256("mallory", secret: "another-secret-that-is-long-enough-for-hs256"),
            tokens.Hs256("mallory", lifetime: TimeSpan.FromMinutes(-5)),
            tokens.Hs256("mallory", notBefore: DateTime.UtcNow.AddMinutes(10)),
            "a.b.c", "", "eyJhbGciOiJub25lIn0", new string('t', 5000),
        ];
        var inputs = HostileInputs.Generate(Inputs, MaxFrameBytes, badTokens);

        var client = await connect();
        var (published, reconnects, bytes) = (0, 0, 0L);
        var closes = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                bytes += inputs[i].Length;
                if (!await send(client, inputs[i]))
                {
                    var why = await client.Ended.WaitAsync(TimeSpan.FromSeconds(10)) ?? "?";
                    closes[why] = closes.GetValueOrDefault(why) + 1;
                    await client.DisposeAsync();
                    client = await connect();
                    reconnects++;
                    await send(client, inputs[i]);
                }

                if (i % PublishEvery == 0)
                    await publisher.PublishAsync(channel, ++published);
            }

            (await Gateway.Http.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
            var stillWorks = client;
            if (!await IsUsableAsync(stillWorks))
            {
                output.WriteLine($"{transport}: the last hostile connection ended: {(client.Ended.IsCompleted ? client.Ended.Result : "no, but it did not answer a ping")}");
                await client.DisposeAsync();
                client = stillWorks = await connect();
                reconnects++;
            }

            (await PingAsync(stillWorks, TimeSpan.FromSeconds(20))).Should().BeTrue("the connection (or a new one) still works");
            var received = await subscriber.MessagesAsync(channel, published, TimeSpan.FromSeconds(60));
            received.Select(m => m.GetProperty("data").GetInt32()).Should().Equal(Enumerable.Range(1, published), "the bystander loses nothing");

            output.WriteLine($"{transport}: {inputs.Count} hostile inputs ({bytes:N0} bytes) sent, {reconnects} reconnect(s) after inputs that closed the connection; " +
                             $"{published} messages published meanwhile, {received.Count} received in order by another connection; /health/live OK" +
                             (closes.Count > 0 ? $"; closes: {string.Join(", ", closes.Select(c => $"{c.Key.Trim()} ×{c.Value}"))}" : string.Empty));
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    private static Task<bool> IsUsableAsync(RealtimeClient client) => PingAsync(client, TimeSpan.FromSeconds(10));

    /// <summary>A ping with an id no hostile input used (the inputs carry numeric ids, as the client's own requests do).</summary>
    private static async Task<bool> PingAsync(RealtimeClient client, TimeSpan timeout)
    {
        try
        {
            var id = "ping-" + Guid.NewGuid().ToString("N");
            await client.SendTextAsync($$"""{"id":"{{id}}","type":"ping"}""");
            var answer = await client.NextAsync(f => f.TryGetProperty("id", out var answerId) && answerId.ValueKind == JsonValueKind.String && answerId.GetString() == id, "the pong", timeout);
            return answer.GetProperty("type").GetString() == "pong";
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or WebSocketException)
        {
            return false;
        }
    }
}
