using System.Text;
using System.Text.Json;
using OrleansRealtime.Channels;
using OrleansRealtime.Cluster.Tests.Infrastructure;
using OrleansRealtime.Presence;
using OrleansRealtime.Rooms;

namespace OrleansRealtime.Cluster.Tests.Presence;

/// <summary>
/// Presence across connections and gateways, gateway leases on the fake realtime clock, and the direct-message inbox
/// (bound <see cref="ChannelClusterFixture.InboxSize"/>, TTL <see cref="ChannelClusterFixture.InboxTtlSeconds"/>); once per storage.
/// </summary>
public abstract class UserGrainTests(ChannelClusterFixture fixture)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(ChannelClusterFixture.PresenceLeaseSeconds);

    private IUserGrain User(string user) => fixture.Client.GetGrain<IUserGrain>(user);

    private IGatewayLeaseGrain Gateway(string gateway) => fixture.Client.GetGrain<IGatewayLeaseGrain>(gateway);

    private static string NewName(string prefix) => $"{prefix}.{Guid.NewGuid():N}";

    [Fact]
    public async Task AUserIsOnlineWhileAnyConnectionLastsAndOfflineWithLastSeenAfterTheLast()
    {
        var user = NewName("u");
        (await User(user).GetPresenceAsync()).Should().Be(new UserPresence(user, PresenceStatus.Offline, 0, null));

        await User(user).ConnectAsync("c1", "gw-a");
        await User(user).ConnectAsync("c2", "gw-b");
        await User(user).DisconnectAsync("c1");
        (await User(user).GetPresenceAsync()).Status.Should().Be(PresenceStatus.Online, "c2 on another gateway remains");

        fixture.Clock.Advance(TimeSpan.FromSeconds(5));
        await User(user).DisconnectAsync("c2");

        var presence = await User(user).GetPresenceAsync();
        presence.Status.Should().Be(PresenceStatus.Offline);
        presence.LastSeenMs.Should().Be(fixture.Clock.GetUtcNow().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task StatusAndCustomStateReachTheUsersWatchLogAndEndWhenTheUserGoesOffline()
    {
        var user = NewName("u");
        await User(user).ConnectAsync("c1", "gw-a");

        var set = await User(user).SetPresenceAsync(PresenceStatus.Busy, Encoding.UTF8.GetBytes("""{"typing":true}"""));
        set.Status.Should().Be(PresenceStatus.Busy);
        await User(user).DisconnectAsync("c1");

        (await User(user).GetPresenceAsync()).State.Should().BeNull();
        var statuses = (await ReadAsync(InternalLogs.Presence(user))).Select(m => JsonDocument.Parse(m.Data).RootElement.GetProperty("status").GetString());
        statuses.Should().Equal("online", "busy", "offline");
    }

    [Fact]
    public async Task OfflineCannotBeSetAndNothingCanBeSetWhileOffline()
    {
        var user = NewName("u");

        await FluentActions.Awaiting(() => User(user).SetPresenceAsync(PresenceStatus.Away, null).AsTask())
            .Should().ThrowAsync<InvalidOperationException>();
        await User(user).ConnectAsync("c1", "gw-a");
        await FluentActions.Awaiting(() => User(user).SetPresenceAsync(PresenceStatus.Offline, null).AsTask())
            .Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task AGatewayThatStopsRenewingLosesItsUsersAfterTheLeaseAndOnlyThen()
    {
        var (dead, live) = (NewName("gw-dead"), NewName("gw-live"));
        var (both, onlyDead, room) = (NewName("both"), NewName("only-dead"), NewName("room"));
        await User(both).ConnectAsync("b-dead", dead);
        await User(both).ConnectAsync("b-live", live);
        await User(both).JoinRoomAsync("b-dead", room);
        await User(onlyDead).ConnectAsync("o-dead", dead);
        await Gateway(dead).RenewAsync([both, onlyDead]);
        await Gateway(live).RenewAsync([both]);

        fixture.Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        await Gateway(live).RenewAsync([both]);
        (await Gateway(dead).SweepAsync()).Should().BeFalse("the lease has a second left");
        (await User(onlyDead).GetPresenceAsync()).Status.Should().Be(PresenceStatus.Online);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        (await Gateway(dead).SweepAsync()).Should().BeTrue();
        (await Gateway(live).SweepAsync()).Should().BeFalse("the live gateway renewed");

        (await User(onlyDead).GetPresenceAsync()).Status.Should().Be(PresenceStatus.Offline);
        (await User(both).GetPresenceAsync()).Status.Should().Be(PresenceStatus.Online, "its other connection is on a live gateway");
        (await fixture.Client.GetGrain<IRoomGrain>(room).GetInfoAsync()).Members.Should().BeEmpty("only the dead gateway's connection was in the room");
    }

    [Fact]
    public async Task AGatewayThatReleasesItsLeaseLosesItsUsersAtOnceWithoutTheLeaseElapsing()
    {
        var (leaving, staying) = (NewName("gw-leaving"), NewName("gw-staying"));
        var (both, onlyLeaving) = (NewName("both"), NewName("only-leaving"));
        await User(both).ConnectAsync("b-leaving", leaving);
        await User(both).ConnectAsync("b-staying", staying);
        await User(onlyLeaving).ConnectAsync("o-leaving", leaving);
        await Gateway(leaving).RenewAsync([both, onlyLeaving]);

        // The fake clock stands still: only the release can take the users away.
        await Gateway(leaving).ReleaseAsync();

        (await User(onlyLeaving).GetPresenceAsync()).Status.Should().Be(PresenceStatus.Offline);
        (await User(both).GetPresenceAsync()).Status.Should().Be(PresenceStatus.Online, "its other connection is on a gateway that stays");
    }

    [Fact]
    public async Task AUserConnectedBeforeTheGatewaysFirstRenewalIsCoveredByItsLease()
    {
        var (gateway, user) = (NewName("gw"), NewName("u"));
        await User(user).ConnectAsync("c1", gateway);

        fixture.Clock.Advance(Lease);
        (await Gateway(gateway).SweepAsync()).Should().BeTrue();

        (await User(user).GetPresenceAsync()).Status.Should().Be(PresenceStatus.Offline);
    }

    [Fact]
    public async Task DirectMessagesToAnOfflineUserAreHandedInOrderToTheNextConnectionOnly()
    {
        var user = NewName("u");
        foreach (var text in new[] { "one", "two", "three" })
            (await User(user).SendDirectAsync(Json(text), "sender")).Online.Should().BeFalse();
        (await User(user).GetInboxAsync()).Should().Be(new InboxStatus(3, 0));

        var first = await User(user).ConnectAsync("c1", "gw-a");
        var second = await User(user).ConnectAsync("c2", "gw-b");

        first.Messages.Select(Text).Should().Equal("one", "two", "three");
        first.Messages.Should().OnlyContain(m => m.From == "sender");
        first.Position.Offset.Should().Be(3);
        second.Messages.Should().BeEmpty("the inbox was handed over once");
        second.Position.Should().Be(first.Position);

        await User(user).DisconnectAsync("c1");
        await User(user).DisconnectAsync("c2");
        (await User(user).ConnectAsync("c3", "gw-a")).Messages.Should().BeEmpty("nothing is delivered twice");
    }

    [Fact]
    public async Task MessagesSentWhileOnlineGoLiveAndNeverIntoTheInbox()
    {
        var user = NewName("u");
        await User(user).ConnectAsync("c1", "gw-a");

        var receipt = await User(user).SendDirectAsync(Json("live"), "sender");
        await User(user).DisconnectAsync("c1");
        await User(user).SendDirectAsync(Json("waiting"), "sender");

        receipt.Should().Be(new DirectReceipt(1, Online: true));
        (await User(user).ConnectAsync("c2", "gw-a")).Messages.Select(Text).Should().Equal("waiting");
    }

    [Fact]
    public async Task AFullInboxKeepsTheNewestAndCountsTheOldestAsDropped()
    {
        var user = NewName("u");
        for (var i = 1; i <= ChannelClusterFixture.InboxSize + 3; i++)
            await User(user).SendDirectAsync(Json($"m{i}"), null);

        var delivery = await User(user).ConnectAsync("c1", "gw-a");

        delivery.Messages.Select(Text).Should().Equal("m4", "m5", "m6", "m7", "m8");
        delivery.Dropped.Should().Be(3);
        (await User(user).GetInboxAsync()).Dropped.Should().Be(3);
    }

    [Fact]
    public async Task InboxMessagesOlderThanTheTtlAreDroppedAndCounted()
    {
        var user = NewName("u");
        await User(user).SendDirectAsync(Json("old-1"), null);
        await User(user).SendDirectAsync(Json("old-2"), null);
        fixture.Clock.Advance(TimeSpan.FromSeconds(ChannelClusterFixture.InboxTtlSeconds + 1));
        await User(user).SendDirectAsync(Json("fresh"), null);

        var delivery = await User(user).ConnectAsync("c1", "gw-a");

        delivery.Messages.Select(Text).Should().Equal("fresh");
        delivery.Dropped.Should().Be(2);
    }

    private async Task<List<ChannelMessage>> ReadAsync(string log) =>
        [.. (await fixture.Client.GetGrain<IChannelGrain>(log).ReadAsync(new HistoryQuery(0, null, ChannelClusterFixture.MaxPageSize))).Messages];

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { text }));

    private static string Text(ChannelMessage message) => JsonDocument.Parse(message.Data).RootElement.GetProperty("text").GetString()!;
}

[Trait("Category", "Cluster")]
public sealed class MemoryUserGrainTests(MemoryChannelClusterFixture fixture)
    : UserGrainTests(fixture), IClassFixture<MemoryChannelClusterFixture>;

[Trait("Category", "Cluster")]
public sealed class RedisUserGrainTests(RedisChannelClusterFixture fixture)
    : UserGrainTests(fixture), IClassFixture<RedisChannelClusterFixture>;
