using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary>
/// A client that stops reading: its queue stays within the configured bytes and frames (so the gateway's memory for it
/// is bounded) until it is closed as a slow consumer, while another subscriber of the same channel receives everything.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SlowConsumerTests(SlowConsumerTests.Fixture fixture) : IClassFixture<SlowConsumerTests.Fixture>
{
    public const int QueueBytes = 512 * 1024;
    public const int QueueFrames = 1024;

    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:SendQueueBytes"] = QueueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Realtime:Limits:SendQueueFrames"] = QueueFrames.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task AClientThatStopsReadingIsCutOffWithBoundedMemoryWhileOthersReceiveEverything()
    {
        var channel = TestNames.Channel();
        await using var healthy = await Gateway.ConnectAsync();
        await healthy.SubscribeAsync(channel);
        using var stalled = await StalledClient.ConnectAsync(Gateway.BaseUri, channel);
        await Eventually.HoldsAsync(
            async () => (await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/connections/{stalled.ConnectionId}")).GetProperty("channels").GetRawText(),
            channels => channels.Contains(channel, StringComparison.Ordinal),
            "the stalled client is subscribed");
        await using var publisher = await Gateway.ConnectAsync();

        // Enough data to fill the stalled client's socket buffers and then its queue many times over.
        const int count = 3000;
        var payload = new string('p', 4000);
        var largestQueue = 0L;
        var stalledGone = false;
        for (var n = 1; n <= count; n++)
        {
            await publisher.PublishAsync(channel, new System.Text.Json.Nodes.JsonObject { ["n"] = n, ["pad"] = payload });
            if (n % 100 == 0 && !stalledGone)
            {
                using var response = await Gateway.Http.GetAsync($"/api/connections/{stalled.ConnectionId}");
                if (response.StatusCode == HttpStatusCode.NotFound)
                    stalledGone = true;
                else
                    largestQueue = Math.Max(largestQueue, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queuedBytes").GetInt64());
            }
        }

        var received = await healthy.MessagesAsync(channel, count, TimeSpan.FromSeconds(60));
        received.Select(m => m.GetProperty("data").GetProperty("n").GetInt32()).Should().Equal(Enumerable.Range(1, count), "the healthy subscriber misses nothing");
        largestQueue.Should().BeLessThanOrEqualTo(QueueBytes, "a connection's queue never holds more than SendQueueBytes");
        await Eventually.HoldsAsync(
            async () => (await Gateway.Http.GetAsync($"/api/connections/{stalled.ConnectionId}")).StatusCode,
            status => status == HttpStatusCode.NotFound,
            "the stalled client is closed as a slow consumer");
        var metrics = await Gateway.Http.GetStringAsync("/metrics");
        metrics.Should().MatchRegex("realtime_frames_dropped_total\\{[^}]*reason=\"slow_consumer\"[^}]*\\} [1-9]");
    }

    /// <summary>A WebSocket client on a raw socket with a tiny receive buffer that, after subscribing, never reads again.</summary>
    private sealed class StalledClient : IDisposable
    {
        private readonly TcpClient _tcp;

        private StalledClient(TcpClient tcp, string connectionId)
        {
            _tcp = tcp;
            ConnectionId = connectionId;
        }

        public string ConnectionId { get; }

        public static async Task<StalledClient> ConnectAsync(Uri baseUri, string channel)
        {
            var tcp = new TcpClient { ReceiveBufferSize = 4096 };
            await tcp.ConnectAsync(baseUri.Host, baseUri.Port);
            var stream = tcp.GetStream();
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"GET /ws HTTP/1.1\r\nHost: {baseUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"));

            // Read the handshake and the welcome frame (a small unmasked text frame), then subscribe.
            var received = new List<byte>();
            var buffer = new byte[1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            string? welcome = null;
            while (welcome is null)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                    throw new InvalidOperationException("the gateway closed the stalled client's connection during the handshake");
                received.AddRange(buffer.AsSpan(0, read).ToArray());
                welcome = TryReadWelcome(received);
            }

            var connectionId = JsonDocument.Parse(welcome).RootElement.GetProperty("connectionId").GetString()!;
            await stream.WriteAsync(MaskedTextFrame($$"""{"type":"subscribe","channel":"{{channel}}"}"""));
            return new StalledClient(tcp, connectionId);
        }

        public void Dispose() => _tcp.Dispose();

        private static string? TryReadWelcome(List<byte> received)
        {
            var bytes = received.ToArray();
            var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end < 0 || bytes.Length < end + 6)
                return null;
            var frame = bytes.AsSpan(end + 4);
            var length = frame[1] & 0x7F;
            var offset = 2;
            if (length == 126)
            {
                length = (frame[2] << 8) | frame[3];
                offset = 4;
            }

            return frame.Length < offset + length ? null : Encoding.UTF8.GetString(frame.Slice(offset, length));
        }

        private static byte[] MaskedTextFrame(string text)
        {
            var payload = Encoding.UTF8.GetBytes(text);
            var mask = RandomNumberGenerator.GetBytes(4);
            var frame = new List<byte> { 0x81, (byte)(0x80 | payload.Length) };
            frame.AddRange(mask);
            frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i % 4])));
            return [.. frame];
        }
    }
}
