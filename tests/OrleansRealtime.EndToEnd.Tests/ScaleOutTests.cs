using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;
using Xunit.Abstractions;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>
/// The production topology as processes: 2 silos and 3 gateways clustered through Redis. Tests that leave the cluster
/// intact (adding a silo or a gateway leaves it intact) share one; tests that kill or stop a process start their own on
/// the same Redis (<c>ScaleOutTests.Failover.cs</c>, <c>ScaleOutTests.Drain.cs</c>).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class ScaleOutTests(ScaleOutClusterFixture fixture, ITestOutputHelper output)
    : ClusterTestBase<ScaleOutClusterFixture>(fixture, output)
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(120);
    private static readonly string[] Gateways = ["gw-a", "gw-b", "gw-c"];

    [Fact]
    public Task PublicationsThroughEveryGatewayReachEverySubscriberOnEveryGatewayInOffsetOrder() => OnSharedClusterAsync(async cluster =>
    {
        const int perGateway = 100;
        const int subscribersPerGateway = 2;
        const int total = perGateway * 3;
        var channel = NewChannel("all-gateways");

        var subscribers = new List<RealtimeTestClient>();
        try
        {
            foreach (var gateway in Gateways)
            {
                for (var i = 0; i < subscribersPerGateway; i++)
                {
                    var subscriber = await cluster.Gateway(gateway).ConnectAsync();
                    subscribers.Add(subscriber);
                    await subscriber.SubscribeAsync(channel);
                }
            }

            // One publisher per gateway, all at once: the channel grain interleaves them into one offset sequence.
            var acked = new ConcurrentDictionary<long, (string Gateway, int N)>();
            await Task.WhenAll(Gateways.Select(async gateway =>
            {
                await using var publisher = await cluster.Gateway(gateway).ConnectAsync($"user=publisher-{gateway}");
                for (var n = 1; n <= perGateway; n++)
                {
                    var ack = await publisher.PublishAsync(channel, new JsonObject { ["gateway"] = gateway, ["n"] = n });
                    acked.TryAdd(ack.Offset(), (gateway, n)).Should().BeTrue($"offset {ack.Offset()} is acknowledged once");
                }
            })).WithTimeout(PublishingTimeout, $"{total} publications through three gateways to be acknowledged");
            acked.Keys.Order().Should().Equal(Offsets(1, total), "one writer assigns offsets without gaps, whichever gateway publishes");

            foreach (var subscriber in subscribers)
            {
                var gateway = subscriber.Welcome.GetProperty("gateway").GetString();
                var messages = await subscriber.MessagesAsync(channel, total, DeliveryTimeout);
                messages.Select(m => m.Offset()).Should().Equal(Offsets(1, total), $"a subscriber on {gateway} gets every offset in order, once");
                foreach (var message in messages)
                {
                    var data = message.GetProperty("data");
                    (data.GetProperty("gateway").GetString(), data.GetProperty("n").GetInt32()).Should()
                        .Be(acked[message.Offset()], $"offset {message.Offset()} on {gateway} carries what its ack was for");
                }
            }
        }
        finally
        {
            foreach (var subscriber in subscribers)
                await subscriber.DisposeAsync();
        }
    });

    [Fact]
    public Task ASiloJoiningLaterTakesNewGrains() => OnSharedClusterAsync(async cluster =>
    {
        const int channelsPerRound = 40;
        var late = await cluster.StartSiloAsync();
        var http = cluster.Gateway("gw-a").Http;
        await Eventually.HoldsAsync(
            () => SilosAsync(http),
            silos => silos.Any(s => IsSilo(s, late) && s.GetProperty("status").GetString() == "Active"),
            $"the cluster view lists {late.Name} as active",
            DeliveryTimeout);

        // Every publish activates a new channel grain, and Orleans places new activations over the active silos once
        // its placement knows the newcomer (silos publish their load periodically): activate rounds of new channels
        // until the late silo holds some.
        var prefix = NewChannel("spread");
        var activated = 0;
        var silos = await Eventually.HoldsAsync(
            async () =>
            {
                for (var i = 0; i < channelsPerRound; i++, activated++)
                {
                    using var published = await http.PostAsJsonAsync($"/api/channels/{prefix}.{activated}/messages", new { n = activated });
                    published.EnsureSuccessStatusCode();
                }

                return await SilosAsync(http);
            },
            all => ChannelActivations(all.Single(s => IsSilo(s, late))) > 0,
            $"{late.Name}, which joined before these channels were activated, holds some of them",
            RecoveryTimeout);

        foreach (var silo in silos)
            Output.WriteLine($"{silo.GetProperty("address").GetString()}: {silo.GetProperty("activationsByGrainType")}");
        Output.WriteLine($"{late.Name} took channel grains after {activated} new channels");
        silos.Sum(ChannelActivations).Should().BeGreaterThanOrEqualTo(activated, "every channel is active somewhere");
    });

    [Fact]
    public Task AGatewayAddedLaterServesClientsAtOnce() => OnSharedClusterAsync(async cluster =>
    {
        var channel = NewChannel("late-gateway");
        var late = await cluster.StartGatewayAsync("gw-d");

        // Ready means it serves: connect, subscribe and receive what an old gateway publishes, with no waiting.
        await using var subscriber = await late.ConnectAsync();
        subscriber.Welcome.GetProperty("gateway").GetString().Should().Be(late.GatewayId);
        await subscriber.SubscribeAsync(channel);
        await using var publisher = await cluster.Gateway("gw-a").ConnectAsync();
        var ack = await publisher.PublishAsync(channel, new JsonObject { ["text"] = "to the newcomer" });

        var message = (await subscriber.MessagesAsync(channel, 1, DeliveryTimeout))[0];
        message.Offset().Should().Be(ack.Offset());
        message.GetProperty("data").GetProperty("text").GetString().Should().Be("to the newcomer");
    });

    /// <summary>The silos of <c>GET /api/cluster</c>.</summary>
    private static async Task<List<JsonElement>> SilosAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("silos").EnumerateArray().ToList();

    /// <summary>Orleans writes a silo address as <c>S127.0.0.1:&lt;silo port&gt;:&lt;generation&gt;</c>.</summary>
    private static bool IsSilo(JsonElement silo, SiloProcess process) =>
        silo.GetProperty("address").GetString()!.Contains($":{process.Ports.SiloPort}:", StringComparison.Ordinal);

    /// <summary>A silo's channel grain activations, from its activation counts per grain class.</summary>
    private static int ChannelActivations(JsonElement silo) =>
        silo.GetProperty("activationsByGrainType") is { ValueKind: JsonValueKind.Object } byType && byType.TryGetProperty("ChannelGrain", out var count)
            ? count.GetInt32()
            : 0;
}
