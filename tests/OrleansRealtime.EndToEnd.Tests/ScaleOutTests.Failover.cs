using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>Killing a gateway or a silo (SIGKILL) of 2 silos + 3 gateways while clients publish: nothing acknowledged is lost.</summary>
public sealed partial class ScaleOutTests
{
    /// <summary>How long one publish may stay unanswered before the client retries it (a call stuck on a dead silo).</summary>
    private static readonly TimeSpan PublishAttemptTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AGatewayKilledUnderLoadLosesNothingItsClientsResumeOnTheOthersWithSince()
    {
        const int clientsOnA = 4;
        const int ackedBeforeKill = 150;
        const int ackedAfterResume = 150;
        var channel = NewChannel("gateway-kill");
        var doomedUser = $"doomed-{Guid.NewGuid():N}";
        await using var cluster = await StartPrivateClusterAsync(silos: 2, gateways: 3);
        var (a, b, c) = (cluster.Gateway("gw-a"), cluster.Gateway("gw-b"), cluster.Gateway("gw-c"));

        await using var onB = await b.ConnectAsync();
        await using var onC = await c.ConnectAsync();
        var epoch = (await onB.SubscribeAsync(channel)).Epoch();
        await onC.SubscribeAsync(channel);
        await using var watcherOnC = await c.ConnectAsync();
        await watcherOnC.GetPresenceAsync([doomedUser], watch: true);

        var clients = new List<RealtimeTestClient>();
        try
        {
            for (var i = 0; i < clientsOnA; i++)
            {
                clients.Add(await a.ConnectAsync(i == 0 ? $"user={doomedUser}" : string.Empty));
                await clients[i].SubscribeAsync(channel);
            }

            (await watcherOnC.NextWatchedPresenceAsync(doomedUser, DeliveryTimeout)).GetProperty("status").GetString().Should().Be("online");

            await using var load = LoadPublisher.Start(await b.ConnectAsync("user=publisher"), [channel], static (client, ch, data) => client.PublishAsync(ch, data));
            await load.AckedAtLeastAsync(ackedBeforeKill, PublishingTimeout, "through gateway B before A is killed");
            var stopwatch = Stopwatch.StartNew();
            a.Kill();

            // Each client of A keeps what arrived before its connection died, then resumes on B or C from its last offset.
            var resumed = new List<(RealtimeTestClient Client, List<JsonElement> Before)>();
            var onA = clients.ToList();
            for (var i = 0; i < onA.Count; i++)
            {
                await onA[i].EndedAsync(DeliveryTimeout);
                var before = await ReceivedBeforeTheEndAsync(onA[i], channel);
                before.Select(m => m.Offset()).Should().Equal(Offsets(1, before.Count), "A delivered in order until it died");
                var survivor = i % 2 == 0 ? b : c;
                var again = await survivor.ConnectAsync();
                clients.Add(again);
                var ack = await again.SubscribeAsync(channel, before.Count, epoch);
                ack.GetProperty("recovered").GetBoolean().Should().BeTrue($"history still holds what came after offset {before.Count}");
                resumed.Add((again, before));
            }

            Output.WriteLine($"{clientsOnA} clients of A resumed on B and C {stopwatch.ElapsedMilliseconds} ms after the kill, at offsets {string.Join(", ", resumed.Select(r => r.Before.Count))}");
            await load.AckedAtLeastAsync(load.Acked + ackedAfterResume, PublishingTimeout, "through gateway B after the clients resumed");
            await load.StopAsync(PublishingTimeout);

            var acked = load.AckedOn(channel);
            var top = acked.Keys.Max();
            acked.Keys.Order().Should().Equal(Offsets(1, acked.Count), "one sequential publisher gets consecutive offsets");
            foreach (var (client, before) in resumed)
            {
                var after = await client.MessagesThroughAsync(channel, top, DeliveryTimeout);
                var all = before.Concat(after).ToList();
                all.Select(m => m.Offset()).Should().Equal(Offsets(1, (int)top), "before the kill and after the resume together: every offset once, in order");
                foreach (var message in all)
                    message.GetProperty("data").GetProperty("n").GetInt32().Should().Be(acked[message.Offset()], $"offset {message.Offset()} is what its ack said");
            }

            foreach (var control in new[] { onB, onC })
                (await control.MessagesThroughAsync(channel, top, DeliveryTimeout)).Select(m => m.Offset()).Should().Equal(Offsets(1, (int)top));

            (await watcherOnC.NextWatchedPresenceAsync(doomedUser, DeliveryTimeout)).GetProperty("status").GetString()
                .Should().Be("offline", "the dead gateway's lease lapses");
            Output.WriteLine($"{doomedUser} offline {stopwatch.ElapsedMilliseconds} ms after the kill (lease {ClusterSettings.PresenceLeaseSeconds} s)");
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASiloKilledUnderLoadLosesNoAcknowledgedMessageFromSubscribersOrHistory()
    {
        const int channelCount = 8;
        const int ackedBeforeKill = 30;
        const int ackedAfterKill = 30;
        var prefix = NewChannel("silo-kill");
        var channels = Enumerable.Range(0, channelCount).Select(i => $"{prefix}.{i}").ToList();
        await using var cluster = await StartPrivateClusterAsync(silos: 2, gateways: 3);

        var subscribers = new List<RealtimeTestClient>();
        var loads = new List<LoadPublisher>();
        try
        {
            foreach (var gateway in cluster.Gateways)
            {
                var subscriber = await gateway.ConnectAsync();
                subscribers.Add(subscriber);
                foreach (var channel in channels)
                    await subscriber.SubscribeAsync(channel);
            }

            // A publisher per gateway; each publish is retried like a client would while the cluster recovers.
            foreach (var gateway in cluster.Gateways)
            {
                loads.Add(LoadPublisher.Start(
                    await gateway.ConnectAsync($"user=publisher-{gateway.GatewayId}"),
                    channels,
                    (client, channel, data) => PublishRetryingWhileUnavailableAsync(client, channel, data, RecoveryTimeout, PublishAttemptTimeout),
                    pace: TimeSpan.FromMilliseconds(20)));
            }

            await Task.WhenAll(loads.Select(l => l.AckedAtLeastAsync(ackedBeforeKill, PublishingTimeout, "before the silo is killed")));

            // The victim is the silo holding the most channel grains, so the kill certainly moves some.
            var http = cluster.Gateways[0].Http;
            var silos = await SilosAsync(http);
            var victim = cluster.Silos.MaxBy(s => ChannelActivations(silos.Single(v => IsSilo(v, s))))!;
            ChannelActivations(silos.Single(v => IsSilo(v, victim))).Should().BeGreaterThan(0);
            var stopwatch = Stopwatch.StartNew();
            victim.Kill();

            await Task.WhenAll(loads.Select(l => l.AckedAtLeastAsync(l.Acked + ackedAfterKill, RecoveryTimeout, $"after {victim.Name} was killed")));
            Output.WriteLine($"every publisher had {ackedAfterKill} more acks {stopwatch.ElapsedMilliseconds} ms after {victim.Name} was killed");
            foreach (var load in loads)
                await load.StopAsync(RecoveryTimeout);

            foreach (var channel in channels)
            {
                var acked = new Dictionary<long, int>();
                foreach (var load in loads)
                {
                    foreach (var (offset, n) in load.AckedOn(channel))
                        acked.Add(offset, n);
                }

                var state = await http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}");
                state.Epoch().Should().Be(loads[0].Epochs[channel], $"history in Redis survived, so '{channel}' keeps its epoch");
                var top = state.Offset();
                top.Should().BeGreaterThanOrEqualTo(acked.Keys.Max());

                var history = await HistoryAsync(http, channel);
                history.Select(m => m.Offset()).Should().Equal(Offsets(1, (int)top), $"the history of '{channel}' has every offset");
                AssertHoldsEveryAcknowledged(history, acked, $"the history of '{channel}'");
                foreach (var subscriber in subscribers)
                {
                    var received = await subscriber.MessagesThroughAsync(channel, top, DeliveryTimeout);
                    var gateway = subscriber.Welcome.GetProperty("gateway").GetString();
                    received.Select(m => m.Offset()).Should().Equal(Offsets(1, (int)top), $"the subscriber on {gateway} got every offset of '{channel}' in order");
                    AssertHoldsEveryAcknowledged(received, acked, $"the subscriber on {gateway}");
                }
            }
        }
        finally
        {
            foreach (var load in loads)
                await load.DisposeAsync();
            foreach (var subscriber in subscribers)
                await subscriber.DisposeAsync();
        }
    }

    /// <summary>Every acknowledged offset is there, carrying what was published under it.</summary>
    private static void AssertHoldsEveryAcknowledged(List<JsonElement> messages, Dictionary<long, int> acked, string where)
    {
        var byOffset = messages.ToDictionary(m => m.Offset());
        foreach (var (offset, n) in acked)
        {
            byOffset.Should().ContainKey(offset, $"{where} holds acknowledged offset {offset}");
            byOffset[offset].GetProperty("data").GetProperty("n").GetInt32().Should().Be(n, $"{where}: offset {offset} is what its ack said");
        }
    }

    /// <summary>The messages a client had received when its connection ended (the connection has ended).</summary>
    private static async Task<List<JsonElement>> ReceivedBeforeTheEndAsync(RealtimeTestClient client, string channel)
    {
        var messages = new List<JsonElement>();
        while (true)
        {
            try
            {
                messages.Add(await client.NextAsync(
                    f => f.GetProperty("type").GetString() == "message" && f.GetProperty("channel").GetString() == channel, "a message received before the end"));
            }
            catch (InvalidOperationException)
            {
                // Nothing more was received before the connection ended.
                return messages;
            }
        }
    }

    /// <summary>A channel's whole history over REST, page by page.</summary>
    private static async Task<List<JsonElement>> HistoryAsync(HttpClient http, string channel)
    {
        var messages = new List<JsonElement>();
        var more = true;
        while (more)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}/messages?since={(messages.Count == 0 ? 0 : messages[^1].Offset())}&limit=1000");
            messages.AddRange(page.GetProperty("messages").EnumerateArray());
            more = page.GetProperty("more").GetBoolean();
        }

        return messages;
    }
}
