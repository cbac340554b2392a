using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>Presence (rooms, watchers, REST) and direct messages (online to every connection, the inbox) through one gateway.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PresenceAndDirectTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task AStatusChangeReachesTheUsersRoomsAndWatchers()
    {
        var room = TestNames.Channel("room");
        var user = TestNames.User("typist");
        await using var member = await Gateway.ConnectAsync();
        await using var watcher = await Gateway.ConnectAsync();
        await using var client = await Gateway.ConnectAsync($"user={user}");
        await member.JoinAsync(room);
        await client.JoinAsync(room);
        var before = await watcher.GetPresenceAsync([user], watch: true);
        before[0].GetProperty("status").GetString().Should().Be("online");

        await client.SetPresenceAsync("busy", new JsonObject { ["typing"] = true });

        var inRoom = await member.NextAsync(f => f.TryGetProperty("room", out _) && f.GetProperty("status").GetString() == "busy", "the status change in the room");
        inRoom.GetProperty("user").GetString().Should().Be(user);
        inRoom.GetProperty("state").GetProperty("typing").GetBoolean().Should().BeTrue();
        var watched = await watcher.NextWatchedPresenceAsync(user);
        watched.GetProperty("status").GetString().Should().Be("busy");
    }

    [Fact]
    public async Task AUserTurnsOfflineWithLastSeenWhenTheLastConnectionCloses()
    {
        var user = TestNames.User("leaving");
        await using var watcher = await Gateway.ConnectAsync();
        await watcher.GetPresenceAsync([user], watch: true);
        var first = await Gateway.ConnectAsync($"user={user}");
        var second = await Gateway.ConnectAsync($"user={user}");

        // A connection handles frames only once it is registered with its user: after these answers both count.
        await first.GetPresenceAsync([user]);
        await second.GetPresenceAsync([user]);
        await first.DisposeAsync();
        await second.DisposeAsync();

        (await watcher.NextWatchedPresenceAsync(user)).GetProperty("status").GetString().Should().Be("online");
        var offline = await watcher.NextWatchedPresenceAsync(user);
        offline.GetProperty("status").GetString().Should().Be("offline", "the first close left a connection: no change until the second");
        offline.GetProperty("lastSeen").GetString().Should().NotBeNullOrEmpty();
        var rest = await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/presence?users={user},{TestNames.User("never")}");
        rest.GetProperty("presence").EnumerateArray().Select(p => p.GetProperty("status").GetString()).Should().Equal("offline", "offline");
    }

    [Fact]
    public async Task ADirectMessageToAnOnlineUserReachesEveryConnection()
    {
        var user = TestNames.User("dm");
        await using var sender = await Gateway.ConnectAsync($"user={TestNames.User("sender")}");
        await using var phone = await Gateway.ConnectAsync($"user={user}");
        await using var laptop = await Gateway.ConnectAsync($"user={user}");

        // A connection handles frames only once it is registered with its user: after these answers both count.
        await phone.GetPresenceAsync([user]);
        await laptop.GetPresenceAsync([user]);
        (await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/presence/{user}")).GetProperty("status").GetString().Should().Be("online");

        var ack = await sender.SendDirectAsync(user, new JsonObject { ["text"] = "psst" });
        ack.GetProperty("online").GetBoolean().Should().BeTrue();

        foreach (var client in new[] { phone, laptop })
        {
            var direct = await client.NextDirectAsync();
            direct.GetProperty("from").GetString().Should().Be(sender.UserId);
            direct.GetProperty("data").GetProperty("text").GetString().Should().Be("psst");
        }
    }

    [Fact]
    public async Task TheInboxIsDeliveredOnceInOrderAndRestCanFillIt()
    {
        var user = TestNames.User("inbox");
        for (var n = 1; n <= 3; n++)
        {
            using var response = await Gateway.Http.PostAsJsonAsync($"/api/users/{user}/messages", n);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("online").GetBoolean().Should().BeFalse();
        }

        (await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/users/{user}/inbox")).GetProperty("pending").GetInt64().Should().Be(3);

        await using (var first = await Gateway.ConnectAsync($"user={user}"))
        {
            var received = new List<int>();
            for (var n = 1; n <= 3; n++)
                received.Add((await first.NextDirectAsync()).GetProperty("data").GetInt32());
            received.Should().Equal(1, 2, 3);
        }

        await Eventually.HoldsAsync(
            async () => (await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/presence/{user}")).GetProperty("status").GetString(),
            status => status == "offline",
            "the user is offline after their connection closed");
        await using var second = await Gateway.ConnectAsync($"user={user}");
        await second.SendDirectAsync(user, "to myself");
        (await second.NextDirectAsync()).GetProperty("data").GetString().Should().Be("to myself", "the inbox was delivered once, to the first connection");
    }

    [Theory]
    [InlineData("""{"type":"presence.set","status":"offline"}""", "status")]
    [InlineData("""{"type":"presence.set","status":"away","state":"typing"}""", "state")]
    [InlineData("""{"type":"presence.get"}""", "users")]
    [InlineData("""{"type":"presence.get","users":["a b"]}""", "user id")]
    [InlineData("""{"type":"direct","data":1}""", "to")]
    [InlineData("""{"type":"direct","to":"bob"}""", "data")]
    [InlineData("""{"type":"join"}""", "room")]
    public async Task AMalformedRoomPresenceOrDirectFrameIsBadRequest(string frame, string mentions)
    {
        await using var client = await Gateway.ConnectAsync();

        var answer = await client.RequestAsync(JsonNode.Parse(frame)!.AsObject());

        answer.GetProperty("code").GetString().Should().Be("bad_request");
        answer.GetProperty("message").GetString().Should().Contain(mentions);
    }
}
