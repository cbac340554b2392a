using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>Graceful stops (SIGTERM, as Kubernetes stops a pod): a gateway drains, a silo leaves and its grains persist.</summary>
public sealed partial class ScaleOutTests
{
    /// <summary>How long a stopping gateway keeps its connections after readiness fails, in the drain test.</summary>
    private const int DrainDelaySeconds = 10;

    [Fact]
    public async Task AGatewayStoppedWithSigtermFailsReadinessRefusesNewClientsSendsItsClientsElsewhereAndReleasesTheirPresence()
    {
        const int before = 5;
        const int after = 3;
        var channel = NewChannel("drain");
        var user = $"drained-{Guid.NewGuid():N}";
        await using var cluster = await StartPrivateClusterAsync(silos: 1, gateways: 2, environment: new Dictionary<string, string?>
        {
            ["Realtime__Drain__DelaySeconds"] = DrainDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A lease far longer than the test: the user can only go offline because the gateway let go of them.
            ["Realtime__Presence__LeaseSeconds"] = "600",
        });
        var (a, b) = (cluster.Gateway("gw-a"), cluster.Gateway("gw-b"));

        await using var watcher = await b.ConnectAsync();
        await watcher.GetPresenceAsync([user], watch: true);
        await using var onA = await a.ConnectAsync($"user={user}");
        var epoch = (await onA.SubscribeAsync(channel)).Epoch();
        (await watcher.NextWatchedPresenceAsync(user, DeliveryTimeout)).GetProperty("status").GetString().Should().Be("online");
        await using var publisher = await b.ConnectAsync("user=publisher");
        for (var n = 1; n <= before; n++)
            await publisher.PublishAsync(channel, new JsonObject { ["n"] = n });
        (await onA.MessagesAsync(channel, before, DeliveryTimeout)).Select(m => m.Offset()).Should().Equal(Offsets(1, before));

        a.Terminate();

        // First: not ready, and new clients are turned away, while the clients it has are still served.
        await Eventually.HoldsAsync(
            async () => (await a.Http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode,
            status => status == HttpStatusCode.ServiceUnavailable,
            "gateway A's readiness fails after SIGTERM",
            DeliveryTimeout);
        using (var refused = await a.Http.PostAsync(new Uri("/poll", UriKind.Relative), content: null))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "a draining gateway opens no new connection");
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("unavailable");
        }

        (await FluentActions.Awaiting(() => a.ConnectAsync()).Should().ThrowAsync<InvalidOperationException>("the WebSocket upgrade is refused too"))
            .WithInnerException<WebSocketException>().WithMessage("*503*");
        onA.Ended.IsCompleted.Should().BeFalse($"open connections stay for the drain delay ({DrainDelaySeconds} s) after readiness fails");

        // Then: its clients are told to reconnect elsewhere, and its users go offline without waiting for the lease.
        (await onA.NextOfTypeAsync("close", DeliveryTimeout)).GetProperty("code").GetString().Should().Be("shutdown");
        (await onA.ClosedAsync(DeliveryTimeout)).Status.Should().Be(WebSocketCloseStatus.EndpointUnavailable);
        (await watcher.NextWatchedPresenceAsync(user, DeliveryTimeout)).GetProperty("status").GetString()
            .Should().Be("offline", "the drained gateway released its users (their lease would run for 600 s)");

        // Last: the process exits by itself, cleanly.
        await a.Process.Exited.WithTimeout(DeliveryTimeout, "gateway A to exit after draining");
        a.Process.ExitCode.Should().Be(0, a.Process.DescribeOutput());

        // The client does what 'shutdown' asks: reconnects to another gateway and resumes where it was.
        for (var n = before + 1; n <= before + after; n++)
            await publisher.PublishAsync(channel, new JsonObject { ["n"] = n });
        await using var resumed = await b.ConnectAsync($"user={user}");
        (await resumed.SubscribeAsync(channel, before, epoch)).GetProperty("recovered").GetBoolean().Should().BeTrue();
        (await resumed.MessagesAsync(channel, after, DeliveryTimeout)).Select(m => m.Offset()).Should().Equal(Offsets(before + 1, after));
    }

    [Fact]
    public async Task ASiloStoppedWithSigtermLeavesAndEveryChannelKeepsItsOffsetsAndHistoryAlsoAcrossAWholeClusterRestart()
    {
        const int channelCount = 8;
        const int before = 5;
        var prefix = NewChannel("silo-stop");
        var channels = Enumerable.Range(0, channelCount).Select(i => $"{prefix}.{i}").ToList();
        await using var cluster = await StartPrivateClusterAsync(silos: 2, gateways: 1);
        var gateway = cluster.Gateway("gw-a");
        await using var client = await gateway.ConnectAsync("user=writer");

        var epochs = new Dictionary<string, string>();
        foreach (var channel in channels)
        {
            for (var n = 1; n <= before; n++)
                epochs[channel] = (await client.PublishAsync(channel, new JsonObject { ["n"] = n })).Epoch()!;
        }

        var silos = await SilosAsync(gateway.Http);
        var leaving = cluster.Silos.MaxBy(s => ChannelActivations(silos.Single(v => IsSilo(v, s))))!;
        var staying = cluster.Silos.Single(s => s != leaving);
        ChannelActivations(silos.Single(v => IsSilo(v, leaving))).Should().BeGreaterThan(0);

        await StopGracefullyAsync(leaving);
        await Eventually.HoldsAsync(
            () => SilosAsync(gateway.Http),
            all => all.Single(s => IsSilo(s, leaving)).GetProperty("status").GetString() == "Dead",
            $"{leaving.Name} left the membership",
            DeliveryTimeout);

        // Its channels reactivate on the other silo and continue from what Redis holds: same epoch, next offset.
        foreach (var channel in channels)
            await ExpectNextAsync(client, channel, before + 1, epochs[channel]);

        // The whole cluster stops gracefully and starts again (on the same endpoint): still nothing is forgotten.
        await StopGracefullyAsync(staying);
        await cluster.StartSiloAsync(staying.Ports);
        foreach (var channel in channels)
        {
            await ExpectNextAsync(client, channel, before + 2, epochs[channel]);
            var history = await HistoryAsync(gateway.Http, channel);
            history.Select(m => m.Offset()).Should().Equal(Offsets(1, before + 2));
            history.Select(m => m.GetProperty("data").GetProperty("n").GetInt32()).Should().Equal(Enumerable.Range(1, before + 2));
        }
    }

    /// <summary>SIGTERM, then the silo must exit by itself with code 0.</summary>
    private static async Task StopGracefullyAsync(SiloProcess silo)
    {
        silo.Terminate();
        await silo.Process.Exited.WithTimeout(DeliveryTimeout, $"{silo.Name} to exit after SIGTERM");
        silo.Process.ExitCode.Should().Be(0, silo.Process.DescribeOutput());
    }

    private static async Task ExpectNextAsync(RealtimeTestClient client, string channel, int offset, string epoch)
    {
        var ack = await PublishRetryingWhileUnavailableAsync(client, channel, new JsonObject { ["n"] = offset }, RecoveryTimeout);
        ack.Offset().Should().Be(offset, $"'{channel}' continues from the offset Redis holds");
        ack.Epoch().Should().Be(epoch, $"'{channel}' lost no history");
    }
}
