using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests;

/// <summary>Presence, rooms, direct messages and patterns across two gateway processes, and a gateway's death.</summary>
public abstract partial class ClusterTests<TFixture>
{
    private static string NewUser(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public Task PresenceOfAUserOnGatewayBIsSeenFromGatewayA() => OnSharedClusterAsync(async cluster =>
    {
        var user = NewUser("on-b");
        await using var watcher = await cluster.Gateway("gw-a").ConnectAsync();
        (await watcher.GetPresenceAsync([user], watch: true))[0].GetProperty("status").GetString().Should().Be("offline");

        await using var onB = await cluster.Gateway("gw-b").ConnectAsync($"user={user}");
        await onB.SetPresenceAsync("away", new JsonObject { ["typing"] = true });

        (await watcher.NextWatchedPresenceAsync(user, DeliveryTimeout)).GetProperty("status").GetString().Should().Be("online");
        var away = await watcher.NextWatchedPresenceAsync(user, DeliveryTimeout);
        away.GetProperty("status").GetString().Should().Be("away");
        away.GetProperty("state").GetProperty("typing").GetBoolean().Should().BeTrue();
        (await watcher.GetPresenceAsync([user]))[0].GetProperty("status").GetString().Should().Be("away");
    });

    [Fact]
    public Task RoomMessagesFanOutAcrossGatewaysInOffsetOrder() => OnSharedClusterAsync(async cluster =>
    {
        const int count = 200;
        var room = NewChannel("room");
        await using var memberOnA = await cluster.Gateway("gw-a").ConnectAsync($"user={NewUser("a")}");
        await using var memberOnB = await cluster.Gateway("gw-b").ConnectAsync($"user={NewUser("b")}");
        await memberOnA.JoinAsync(room);
        var joined = await memberOnB.JoinAsync(room);
        joined.GetProperty("members").GetArrayLength().Should().Be(2);

        for (var n = 1; n <= count; n++)
            await memberOnA.SendToRoomAsync(room, n);

        foreach (var member in new[] { memberOnA, memberOnB })
        {
            var frames = new List<JsonElement>();
            while (frames.Count == 0 || frames[^1].GetProperty("type").GetString() != "room" || frames[^1].GetProperty("data").GetInt32() < count)
                frames.Add(await member.NextInRoomAsync(room, DeliveryTimeout));

            var messages = frames.Where(f => f.GetProperty("type").GetString() == "room").ToList();
            messages.Select(m => m.GetProperty("data").GetInt32()).Should().Equal(Enumerable.Range(1, count));
            var offsets = messages.Select(m => m.Offset()).ToList();
            offsets.Should().Equal(Offsets(offsets[0], count), "room messages keep the room's offset order without gaps");
        }
    });

    [Fact]
    public Task ADirectMessageToAnOfflineUserArrivesInOrderOnReconnectToTheOtherGatewayAndOnlyThere() => OnSharedClusterAsync(async cluster =>
    {
        var user = NewUser("traveller");
        await using var sender = await cluster.Gateway("gw-b").ConnectAsync($"user={NewUser("sender")}");
        await using (var first = await cluster.Gateway("gw-a").ConnectAsync($"user={user}"))
            (await first.GetPresenceAsync([user]))[0].GetProperty("status").GetString().Should().Be("online");
        await Eventually.HoldsAsync(
            async () => (await sender.GetPresenceAsync([user]))[0].GetProperty("status").GetString(),
            status => status == "offline",
            "the user is offline after closing their only connection",
            DeliveryTimeout);

        for (var n = 1; n <= 5; n++)
            (await sender.SendDirectAsync(user, n)).GetProperty("online").GetBoolean().Should().BeFalse();

        await using (var onB = await cluster.Gateway("gw-b").ConnectAsync($"user={user}"))
        {
            var received = new List<int>();
            for (var n = 1; n <= 5; n++)
                received.Add((await onB.NextDirectAsync(DeliveryTimeout)).GetProperty("data").GetInt32());
            received.Should().Equal(1, 2, 3, 4, 5);
        }

        await using var backOnA = await cluster.Gateway("gw-a").ConnectAsync($"user={user}");
        await sender.SendDirectAsync(user, "after");
        (await backOnA.NextDirectAsync(DeliveryTimeout)).GetProperty("data").GetString().Should().Be("after", "the inbox was delivered once, on gateway B");
    });

    [Fact]
    public Task APatternSubscriptionWithAFilterOnGatewayBSeesMatchingPublicationsFromGatewayA() => OnSharedClusterAsync(async cluster =>
    {
        var root = NewChannel("metrics");
        await using var publisher = await cluster.Gateway("gw-a").ConnectAsync();
        await using var subscriber = await cluster.Gateway("gw-b").ConnectAsync();
        await subscriber.SubscribePatternAsync($"{root}.*", new JsonObject { ["host"] = "web-1" });

        for (var n = 1; n <= 20; n++)
            await publisher.PublishAsync($"{root}.{(n % 2 == 0 ? "cpu" : "mem")}", new JsonObject { ["host"] = n % 4 < 2 ? "web-1" : "web-2", ["n"] = n });
        await publisher.PublishAsync($"{root}.cpu.core0", new JsonObject { ["host"] = "web-1", ["n"] = 21 });
        await publisher.PublishAsync($"{root}.last", new JsonObject { ["host"] = "web-1", ["n"] = 22 });

        var seen = new List<int>();
        while (seen.Count == 0 || seen[^1] != 22)
            seen.Add((await subscriber.NextOfTypeAsync("message", DeliveryTimeout)).GetProperty("data").GetProperty("n").GetInt32());
        seen.Should().Equal([.. Enumerable.Range(1, 20).Where(n => n % 4 < 2), 22], "one segment under the root, host web-1, in publication order");
    });

    [Fact]
    public async Task KillingAGatewayTurnsItsUsersOfflineWithinTheLease()
    {
        await using var cluster = await StartPrivateClusterAsync();
        var (user, room) = (NewUser("doomed"), NewChannel("room"));
        await using var watcherOnB = await cluster.Gateway("gw-b").ConnectAsync();
        await using var memberOnB = await cluster.Gateway("gw-b").ConnectAsync();
        await memberOnB.JoinAsync(room);
        await watcherOnB.GetPresenceAsync([user], watch: true);
        var onA = await cluster.Gateway("gw-a").ConnectAsync($"user={user}");
        await onA.JoinAsync(room);
        (await watcherOnB.NextWatchedPresenceAsync(user, DeliveryTimeout)).GetProperty("status").GetString().Should().Be("online");

        var stopwatch = Stopwatch.StartNew();
        cluster.Gateway("gw-a").Kill();

        var leave = await memberOnB.NextAsync(
            f => f.GetProperty("type").GetString() == "presence" && f.GetProperty("status").GetString() == "leave", "the room's leave event", DeliveryTimeout);
        leave.GetProperty("user").GetString().Should().Be(user);
        (await watcherOnB.NextWatchedPresenceAsync(user, DeliveryTimeout)).GetProperty("status").GetString().Should().Be("offline");
        Output.WriteLine($"offline {stopwatch.ElapsedMilliseconds} ms after the kill (lease {ClusterSettings.PresenceLeaseSeconds} s)");
        stopwatch.Elapsed.Should().BeLessThan(
            TimeSpan.FromSeconds(ClusterSettings.PresenceLeaseSeconds * 2), "the lease, plus at most one sweep period and one renewal period");
        await onA.DisposeAsync();
    }
}
