using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary>Following a durable stream live needs the token's <c>streams</c> grant; <c>channels</c> grants never open one.</summary>
[Trait("Category", "EndToEnd")]
public sealed class StreamAuthorizationTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task TheStreamsGrantDecidesWhichStreamsAUserMayFollow()
    {
        var (allowed, other) = (await CreateStreamAsync("analytics"), await CreateStreamAsync("billing"));
        var grants = new Dictionary<string, object> { ["streams"] = new[] { "analytics.>" }, ["channels"] = new[] { ">" } };
        await using var client = await Gateway.ConnectAsync($"access_token={fixture.Tokens.Hs256(TestNames.User("reader"), claims: grants)}");

        var granted = await SubscribeAsync(client, allowed);
        var refused = await SubscribeAsync(client, other);

        granted.GetProperty("type").GetString().Should().Be("ack");
        refused.GetProperty("code").GetString().Should().Be("forbidden", "a 'channels' grant of '>' does not cover streams");
        refused.GetProperty("message").GetString().Should().Contain(other);
    }

    [Fact]
    public async Task WithoutAStreamsGrantOnlyAnAdministratorMayFollowAStream()
    {
        var stream = await CreateStreamAsync("ops");
        await using var user = await Gateway.ConnectAsync($"access_token={fixture.Tokens.Hs256(TestNames.User("plain"))}");
        var adminClaims = new Dictionary<string, object> { ["role"] = "admin" };
        await using var admin = await Gateway.ConnectAsync($"access_token={fixture.Tokens.Hs256(TestNames.User("admin"), claims: adminClaims)}");

        (await SubscribeAsync(user, stream)).GetProperty("code").GetString().Should().Be("forbidden");
        (await SubscribeAsync(admin, stream)).GetProperty("type").GetString().Should().Be("ack");
    }

    private static Task<System.Text.Json.JsonElement> SubscribeAsync(RealtimeClient client, string stream) =>
        client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["stream"] = stream });

    private async Task<string> CreateStreamAsync(string prefix)
    {
        var stream = TestNames.Channel(prefix);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/streams") { Content = JsonContent.Create(new { name = stream, type = "event" }) };
        request.Headers.Add("X-API-Key", AuthFixture.ApiKey);
        using var response = await Gateway.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return stream;
    }
}
