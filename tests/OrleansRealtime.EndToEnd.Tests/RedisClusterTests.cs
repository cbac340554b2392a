using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;
using Xunit.Abstractions;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>Membership, grain state and history in a real Redis (<c>Orleans:Clustering=Redis</c>), as in production.</summary>
public sealed class RedisClusterTests(RedisClusterFixture fixture, ITestOutputHelper output)
    : ClusterTests<RedisClusterFixture>(fixture, output)
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task OffsetsContinueAfterTheSiloRestarts()
    {
        const int before = 10;
        var channel = NewChannel("restart");
        await using var cluster = await StartPrivateClusterAsync(gateways: 1);
        var gateway = cluster.Gateway("gw-a");
        await using var client = await gateway.ConnectAsync("user=writer");

        string? epoch = null;
        for (var n = 1; n <= before; n++)
        {
            var ack = await client.PublishAsync(channel, new JsonObject { ["n"] = n });
            ack.Offset().Should().Be(n);
            epoch ??= ack.Epoch();
        }

        // The only silo dies; a new process takes its place on the same endpoint, which replaces the dead silo's
        // membership entry in Redis at once (a new silo elsewhere would wait for the dead one to be voted out).
        var dead = cluster.Silos[0];
        dead.Kill();
        await cluster.StartSiloAsync(dead.Ports);

        var next = await PublishRetryingWhileUnavailableAsync(client, channel, new JsonObject { ["n"] = before + 1 }, RecoveryTimeout);
        next.Offset().Should().Be(before + 1, "the restarted channel continues from the offset history in Redis holds");
        next.Epoch().Should().Be(epoch, "no history was lost, so the epoch stays");

        // A gateway started after the restart finds the new silo through Redis and reads the whole history.
        var late = await cluster.StartGatewayAsync("gw-late");
        var history = await late.Http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}/messages")
            .WithTimeout(TimeSpan.FromSeconds(30), $"the history of '{channel}' from a new gateway");
        history.Epoch().Should().Be(epoch);
        history.Offset().Should().Be(before + 1);
        var messages = history.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.Offset()).Should().Equal(Offsets(1, before + 1));
        messages.Select(m => m.GetProperty("data").GetProperty("n").GetInt32()).Should().Equal(Enumerable.Range(1, before + 1));
    }

    /// <summary>
    /// When the first publication after the restart is delivered before gateway B's Orleans client has reconnected,
    /// the new silo's stream pulling agent cannot reach B's consumer (ClientNotAvailableException) and removes it from
    /// the stream's pub-sub state for good. B must notice (its connection observer, or its feed audit finding the
    /// stream silent), subscribe again and fill what it missed from history.
    /// </summary>
    [Fact]
    public async Task ASubscriberOnAnotherGatewayKeepsReceivingAfterTheSiloRestarts()
    {
        const int before = 10;
        const int after = 5;
        var channel = NewChannel("restart");
        await using var cluster = await StartPrivateClusterAsync();
        await using var subscriber = await cluster.Gateway("gw-b").ConnectAsync();
        await subscriber.SubscribeAsync(channel);
        await using var publisher = await cluster.Gateway("gw-a").ConnectAsync("user=writer");
        for (var n = 1; n <= before; n++)
            await publisher.PublishAsync(channel, new JsonObject { ["n"] = n });
        (await subscriber.MessagesAsync(channel, before)).Select(m => m.Offset()).Should().Equal(Offsets(1, before));

        var dead = cluster.Silos[0];
        dead.Kill();
        await cluster.StartSiloAsync(dead.Ports);
        await PublishRetryingWhileUnavailableAsync(publisher, channel, new JsonObject { ["n"] = before + 1 }, RecoveryTimeout);
        for (var n = before + 2; n <= before + after; n++)
            await publisher.PublishAsync(channel, new JsonObject { ["n"] = n });

        var messages = await subscriber.MessagesAsync(channel, after, DeliveryTimeout);
        messages.Select(m => m.Offset()).Should().Equal(Offsets(before + 1, after), "the subscriber stayed connected, so it misses nothing");
    }
}
