using System.Text;
using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Presence;
using OrleansRealtime.Rooms;

namespace OrleansRealtime.Cluster.Tests.Rooms;

/// <summary>Room membership through the user grain, and the room's log of join, leave and presence events; once per storage.</summary>
public abstract class RoomGrainTests(ChannelClusterFixture fixture)
{
    private IUserGrain User(string user) => fixture.Client.GetGrain<IUserGrain>(user);

    private IRoomGrain Room(string room) => fixture.Client.GetGrain<IRoomGrain>(room);

    private static string NewName(string prefix) => $"{prefix}.{Guid.NewGuid():N}";

    [Fact]
    public async Task AUserWithThreeConnectionsIsOneMemberAndLeavesWithTheLastConnection()
    {
        var (room, user) = (NewName("room"), NewName("u"));
        foreach (var connection in new[] { "c1", "c2", "c3" })
        {
            await User(user).ConnectAsync(connection, "gw-a");
            await User(user).JoinRoomAsync(connection, room);
        }

        (await Room(room).GetInfoAsync()).Members.Select(m => m.User).Should().Equal(user);

        await User(user).LeaveRoomAsync("c1", room);
        await User(user).DisconnectAsync("c2");
        (await Room(room).GetInfoAsync()).Members.Select(m => m.User).Should().Equal([user], "c3 is still in the room");

        await User(user).DisconnectAsync("c3");
        (await Room(room).GetInfoAsync()).Members.Should().BeEmpty();
        (await EventsAsync(room)).Should().Equal($"$join {user}", $"$leave {user}");
    }

    [Fact]
    public async Task AJoinAnswersTheMembersAsOfItsOwnEventInTheRoomsLog()
    {
        var (room, alice, bob) = (NewName("room"), NewName("alice"), NewName("bob"));
        await User(alice).ConnectAsync("a1", "gw-a");
        await User(bob).ConnectAsync("b1", "gw-b");

        var first = await User(alice).JoinRoomAsync("a1", room);
        var second = await User(bob).JoinRoomAsync("b1", room);

        first.Members.Select(m => m.User).Should().Equal(alice);
        first.Position.Offset.Should().Be(1);
        second.Members.Select(m => m.User).Should().BeEquivalentTo([alice, bob]);
        second.Members.Should().OnlyContain(m => m.Status == PresenceStatus.Online);
        second.Position.Should().Be(new ChannelPosition(2, first.Position.Epoch));
        (await EventsAsync(room)).Should().Equal($"$join {alice}", $"$join {bob}");
    }

    [Fact]
    public async Task JoiningAgainFromAnotherConnectionAddsNoEvent()
    {
        var (room, user) = (NewName("room"), NewName("u"));
        await User(user).ConnectAsync("c1", "gw-a");
        await User(user).ConnectAsync("c2", "gw-b");

        var first = await User(user).JoinRoomAsync("c1", room);
        var again = await User(user).JoinRoomAsync("c2", room);

        again.Position.Should().Be(first.Position);
        (await EventsAsync(room)).Should().Equal($"$join {user}");
    }

    [Fact]
    public async Task PresenceChangesOfAMemberAreEventsInTheRoom()
    {
        var (room, user) = (NewName("room"), NewName("u"));
        await User(user).ConnectAsync("c1", "gw-a");
        await User(user).JoinRoomAsync("c1", room);

        await User(user).SetPresenceAsync(PresenceStatus.Away, Encoding.UTF8.GetBytes("""{"typing":true}"""));

        var events = await ReadAsync(InternalLogs.Room(room));
        events.Should().HaveCount(2);
        events[1].Event.Should().Be(InternalLogs.PresenceEvent);
        using var body = JsonDocument.Parse(events[1].Data);
        body.RootElement.GetProperty("user").GetString().Should().Be(user);
        body.RootElement.GetProperty("status").GetString().Should().Be("away");
        body.RootElement.GetProperty("state").GetProperty("typing").GetBoolean().Should().BeTrue();
        (await Room(room).GetInfoAsync()).Members.Single().Status.Should().Be(PresenceStatus.Away);
    }

    [Fact]
    public async Task AnAdministratorRemovesAUserWhateverTheirConnections()
    {
        var (room, user) = (NewName("room"), NewName("u"));
        await User(user).ConnectAsync("c1", "gw-a");
        await User(user).ConnectAsync("c2", "gw-a");
        await User(user).JoinRoomAsync("c1", room);
        await User(user).JoinRoomAsync("c2", room);

        (await User(user).RemoveFromRoomAsync(room)).Should().BeTrue();
        (await User(user).RemoveFromRoomAsync(room)).Should().BeFalse("the user is no longer a member");

        (await Room(room).GetInfoAsync()).Members.Should().BeEmpty();
        await User(user).DisconnectAsync("c1");
        (await EventsAsync(room)).Should().Equal([$"$join {user}", $"$leave {user}"], "leaving later is no second leave");
    }

    [Fact]
    public async Task TheDirectoryListsRoomsWhileTheyHaveMembers()
    {
        var (room, user) = (NewName("room"), NewName("u"));
        var directory = fixture.Client.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key);
        await User(user).ConnectAsync("c1", "gw-a");

        await User(user).JoinRoomAsync("c1", room);
        (await directory.ListAsync()).Should().Contain(room);

        await User(user).LeaveRoomAsync("c1", room);
        (await directory.ListAsync()).Should().NotContain(room);
    }

    private async Task<List<ChannelMessage>> ReadAsync(string log) =>
        [.. (await fixture.Client.GetGrain<IChannelGrain>(log).ReadAsync(new HistoryQuery(0, null, ChannelClusterFixture.MaxPageSize))).Messages];

    /// <summary>The room's log as "event user" lines.</summary>
    private async Task<List<string>> EventsAsync(string room) =>
        [.. (await ReadAsync(InternalLogs.Room(room))).Select(m => $"{m.Event} {m.From}")];
}

[Trait("Category", "Cluster")]
public sealed class MemoryRoomGrainTests(MemoryChannelClusterFixture fixture)
    : RoomGrainTests(fixture), IClassFixture<MemoryChannelClusterFixture>;

[Trait("Category", "Cluster")]
public sealed class RedisRoomGrainTests(RedisChannelClusterFixture fixture)
    : RoomGrainTests(fixture), IClassFixture<RedisChannelClusterFixture>;
