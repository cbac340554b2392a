using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Transports;

/// <summary>Rooms, presence and direct messages behave the same on every transport.</summary>
public abstract partial class TransportConformanceTests
{
    [Fact]
    public async Task RoomMembersSeeJoinsAndMessagesInOneOffsetSequence()
    {
        var room = TestNames.Channel("room");
        var (alice, bob) = (TestNames.User("alice"), TestNames.User("bob"));
        await using var first = await ConnectAsync($"user={alice}");
        await using var second = await ConnectAsync($"user={bob}");

        var aliceJoined = await first.JoinAsync(room);
        aliceJoined.GetProperty("offset").GetInt64().Should().Be(1);
        aliceJoined.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetString()).Should().Equal(alice);

        var bobJoined = await second.JoinAsync(room);
        bobJoined.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetString()).Should().BeEquivalentTo([alice, bob]);
        var sent = await second.SendToRoomAsync(room, new JsonObject { ["text"] = "hi" }, "chat.message");
        sent.GetProperty("offset").GetInt64().Should().Be(3);

        var join = await first.NextInRoomAsync(room);
        join.GetProperty("type").GetString().Should().Be("presence");
        join.GetProperty("status").GetString().Should().Be("join");
        join.GetProperty("user").GetString().Should().Be(bob);
        join.GetProperty("offset").GetInt64().Should().Be(2);
        foreach (var client in new[] { first, second })
        {
            var message = await client.NextInRoomAsync(room);
            message.GetProperty("type").GetString().Should().Be("room");
            message.GetProperty("offset").GetInt64().Should().Be(3);
            message.GetProperty("event").GetString().Should().Be("chat.message");
            message.GetProperty("from").GetString().Should().Be(bob);
            message.GetProperty("data").GetProperty("text").GetString().Should().Be("hi");
        }
    }

    [Fact]
    public async Task DirectMessagesToAnOfflineUserArriveInOrderOnTheirNextConnection()
    {
        var recipient = TestNames.User("offline");
        await using var sender = await ConnectAsync($"user={TestNames.User("sender")}");

        for (var n = 1; n <= 3; n++)
            (await sender.SendDirectAsync(recipient, n)).GetProperty("online").GetBoolean().Should().BeFalse();
        await using var arriving = await ConnectAsync($"user={recipient}");

        var received = new List<int>();
        for (var n = 1; n <= 3; n++)
            received.Add((await arriving.NextDirectAsync()).GetProperty("data").GetInt32());
        received.Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task PresenceSetIsAnsweredAndSeenByOthers()
    {
        var user = TestNames.User("status");
        await using var client = await ConnectAsync($"user={user}");
        await using var observer = await ConnectAsync();

        var set = RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "presence.set", ["status"] = "away", ["state"] = new JsonObject { ["typing"] = true } }));
        set.GetProperty("presence")[0].GetProperty("status").GetString().Should().Be("away");

        var seen = (await observer.GetPresenceAsync([user]))[0];
        seen.GetProperty("status").GetString().Should().Be("away");
        seen.GetProperty("state").GetProperty("typing").GetBoolean().Should().BeTrue();
        seen.GetProperty("lastSeen").GetString().Should().NotBeNullOrEmpty();
    }
}
