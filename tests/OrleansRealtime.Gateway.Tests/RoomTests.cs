using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>Rooms through the WebSocket session and the REST API: membership by user, events, recovery, removal, limits.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RoomTests(RoomTests.Fixture fixture) : IClassFixture<RoomTests.Fixture>
{
    public const int MaxRooms = 2;

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task AUserWithTwoConnectionsIsOneMemberAndLeavesWithTheLast()
    {
        var room = TestNames.Channel("room");
        var bob = TestNames.User("bob");
        await using var alice = await Gateway.ConnectAsync($"user={TestNames.User("alice")}");
        await alice.JoinAsync(room);
        await using var phone = await Gateway.ConnectAsync($"user={bob}");
        await using var laptop = await Gateway.ConnectAsync($"user={bob}");

        await phone.JoinAsync(room);
        var second = await laptop.JoinAsync(room);
        second.GetProperty("members").GetArrayLength().Should().Be(2, "bob is one member");
        await phone.LeaveAsync(room);
        await alice.SendToRoomAsync(room, "after the phone left");
        await laptop.DisposeAsync();

        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var frame = await alice.NextInRoomAsync(room);
            seen.Add(frame.GetProperty("type").GetString() == "room" ? "message" : $"{frame.GetProperty("status").GetString()} {frame.GetProperty("user").GetString()}");
        }

        seen.Should().Equal($"join {bob}", "message", $"leave {bob}");
    }

    [Fact]
    public async Task ARejoinWithSinceRecoversWhatWasMissedWithoutGapOrDuplicate()
    {
        var room = TestNames.Channel("room");
        await using var client = await Gateway.ConnectAsync($"user={TestNames.User()}");
        var joined = await client.JoinAsync(room);
        var epoch = joined.GetProperty("epoch").GetString();
        await client.SendToRoomAsync(room, 1);
        var last = await client.NextInRoomAsync(room);
        await client.LeaveAsync(room);

        await SendOverRestAsync(room, 2);
        await SendOverRestAsync(room, 3);
        var rejoined = await client.JoinAsync(room, last.GetProperty("offset").GetInt64(), epoch);
        rejoined.GetProperty("recovered").GetBoolean().Should().BeTrue();
        await client.SendToRoomAsync(room, 4);

        var after = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var frame = await client.NextInRoomAsync(room);
            after.Add(frame.GetProperty("type").GetString() == "room" ? $"{frame.GetProperty("data")}" : frame.GetProperty("status").GetString()!);
        }

        after.Should().Equal("leave", "2", "3", "join", "4");
    }

    [Fact]
    public async Task SendingToARoomNotJoinedIsForbiddenAndAReservedEventIsBadRequest()
    {
        var room = TestNames.Channel("room");
        await using var client = await Gateway.ConnectAsync();

        var notJoined = await client.RequestAsync(new JsonObject { ["type"] = "room.send", ["room"] = room, ["data"] = 1 });
        await client.JoinAsync(room);
        var reserved = await client.RequestAsync(new JsonObject { ["type"] = "room.send", ["room"] = room, ["event"] = "$join", ["data"] = 1 });

        notJoined.GetProperty("code").GetString().Should().Be("forbidden");
        reserved.GetProperty("code").GetString().Should().Be("bad_request");
    }

    [Fact]
    public async Task JoiningMoreRoomsThanTheLimitIsRefused()
    {
        await using var client = await Gateway.ConnectAsync();
        for (var i = 0; i < MaxRooms; i++)
            await client.JoinAsync(TestNames.Channel("room"));

        var refused = await client.RequestAsync(new JsonObject { ["type"] = "join", ["room"] = TestNames.Channel("room") });

        refused.GetProperty("code").GetString().Should().Be("limit_exceeded");
    }

    [Fact]
    public async Task AnAdministratorRemovesAMemberFromEveryConnectionAndTheRoomListsTheRest()
    {
        var room = TestNames.Channel("room");
        var (alice, bob) = (TestNames.User("alice"), TestNames.User("bob"));
        await using var stays = await Gateway.ConnectAsync($"user={alice}");
        await using var removed = await Gateway.ConnectAsync($"user={bob}");
        await stays.JoinAsync(room);
        await removed.JoinAsync(room);

        using var response = await Gateway.Http.DeleteAsync($"/api/rooms/{room}/members/{bob}");
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);

        var leave = await removed.NextAsync(f => f.GetProperty("type").GetString() == "presence" && f.GetProperty("status").GetString() == "leave", "bob's own leave");
        leave.GetProperty("user").GetString().Should().Be(bob);
        var info = await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/rooms/{room}");
        info.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetString()).Should().Equal(alice);
        var rooms = await Gateway.Http.GetFromJsonAsync<JsonElement>("/api/rooms");
        rooms.GetProperty("rooms").EnumerateArray().Should().Contain(r => r.GetProperty("room").GetString() == room && r.GetProperty("members").GetInt32() == 1);

        // Bob's connection no longer follows the room: the next thing it gets is this direct message, not the room message.
        await SendOverRestAsync(room, "not for bob");
        (await Gateway.Http.PostAsJsonAsync($"/api/users/{bob}/messages", "marker")).EnsureSuccessStatusCode();
        var next = await removed.NextAsync(f => f.GetProperty("type").GetString() is "room" or "direct", "bob's next room or direct frame");
        next.GetProperty("type").GetString().Should().Be("direct");
        (await Gateway.Http.DeleteAsync($"/api/rooms/{room}/members/{bob}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task SendOverRestAsync(string room, JsonNode data)
    {
        using var response = await Gateway.Http.PostAsJsonAsync($"/api/rooms/{room}/messages", data);
        response.EnsureSuccessStatusCode();
    }

    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:MaxRoomsPerConnection"] = $"{MaxRooms}",
        };
    }
}
