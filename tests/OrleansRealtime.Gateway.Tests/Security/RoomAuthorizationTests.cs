using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary>Rooms and patterns follow the token's grants; a connection that authenticates by frame then counts for presence.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RoomAuthorizationTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task JoiningAndPatternSubscriptionsNeedTheRoomsAndChannelsGrants()
    {
        var grants = new Dictionary<string, object> { ["rooms"] = new[] { "team.*" }, ["channels"] = new[] { "metrics.>" } };
        await using var client = await Gateway.ConnectAsync($"access_token={fixture.Tokens.Hs256(TestNames.User("granted"), claims: grants)}");

        await client.JoinAsync($"team.{Guid.NewGuid():N}");
        var room = await client.RequestAsync(new JsonObject { ["type"] = "join", ["room"] = $"other.{Guid.NewGuid():N}" });
        await client.SubscribePatternAsync("metrics.*");
        var pattern = await client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["pattern"] = "*.cpu" });

        room.GetProperty("code").GetString().Should().Be("forbidden");
        pattern.GetProperty("code").GetString().Should().Be("forbidden", "'*.cpu' also matches channels outside 'metrics.>'");
    }

    [Fact]
    public async Task AConnectionAuthenticatedByFrameComesOnlineAndReceivesItsInbox()
    {
        var recipient = TestNames.User("late");
        await using var sender = await Gateway.ConnectAsync($"access_token={fixture.Tokens.Hs256(TestNames.User("sender"))}");
        await sender.SendDirectAsync(recipient, "waiting");
        await using var client = await Gateway.ConnectAsync();

        RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "auth", ["token"] = fixture.Tokens.Hs256(recipient) }));

        (await client.NextDirectAsync()).GetProperty("data").GetString().Should().Be("waiting");
        (await sender.GetPresenceAsync([recipient]))[0].GetProperty("status").GetString().Should().Be("online");
    }
}
