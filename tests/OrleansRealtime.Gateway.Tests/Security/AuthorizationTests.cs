using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary>What a token's claims allow: channels to subscribe to, channels to publish to, and the admin API.</summary>
[Trait("Category", "EndToEnd")]
public sealed class AuthorizationTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private GatewayHost Gateway => fixture.Host;

    private Task<RealtimeTestClient> ConnectAsync(string user, object? channels = null, object? publish = null, string? role = null)
    {
        var claims = new Dictionary<string, object>();
        if (channels is not null)
            claims["channels"] = channels;
        if (publish is not null)
            claims["publish"] = publish;
        if (role is not null)
            claims["role"] = role;
        return Gateway.ConnectAsync($"access_token={fixture.Tokens.Hs256(user, claims: claims)}");
    }

    [Fact]
    public async Task SubscribingFollowsTheChannelsClaimWithItsWildcards()
    {
        await using var client = await ConnectAsync("reader", channels: new[] { "news.*", "metrics.>" });

        await client.SubscribeAsync("news.sport");
        await client.SubscribeAsync("metrics.cpu.core0");
        var refused = await client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["channel"] = "news.sport.live" });

        refused.GetProperty("code").GetString().Should().Be("forbidden");
        refused.GetProperty("message").GetString().Should().Contain("subscribe to 'news.sport.live'");
    }

    [Fact]
    public async Task PublishingFollowsThePublishClaimNotTheChannelsClaim()
    {
        await using var client = await ConnectAsync("writer", channels: "news.*", publish: "news.sport alerts");

        await client.PublishAsync("news.sport", 1);
        await client.PublishAsync("alerts", 2);
        var refused = await client.RequestAsync(new JsonObject { ["type"] = "publish", ["channel"] = "news.politics", ["data"] = 3 });

        refused.GetProperty("code").GetString().Should().Be("forbidden");
        refused.GetProperty("message").GetString().Should().Contain("publish to 'news.politics'");
    }

    [Fact]
    public async Task HistoryNeedsTheRightToSubscribe()
    {
        await using var client = await ConnectAsync("curious", channels: new[] { "public" });

        var refused = await client.RequestAsync(new JsonObject { ["type"] = "history", ["channel"] = "private" });

        refused.GetProperty("code").GetString().Should().Be("forbidden");
    }

    [Fact]
    public async Task ATokenWithoutClaimsMayDoNothingButAnAdminMayDoEverything()
    {
        await using var nobody = await ConnectAsync("nobody");
        await using var admin = await ConnectAsync("root", role: "admin");

        (await nobody.RequestAsync(new JsonObject { ["type"] = "subscribe", ["channel"] = "news" })).GetProperty("code").GetString().Should().Be("forbidden");
        await admin.SubscribeAsync("news");
        await admin.PublishAsync("anything.at.all", 1);
    }

    [Fact]
    public async Task SseSubscriptionsInTheUrlAreAuthorizedLikeFrames()
    {
        var token = fixture.Tokens.Hs256("sse-reader", claims: new Dictionary<string, object> { ["channels"] = new[] { "open" } });
        await using var client = await SseTestClient.ConnectAsync(Gateway.BaseUri, $"subscribe=open,secret&access_token={token}");

        (await client.NextAsync()).GetProperty("type").GetString().Should().Be("ack");
        var refused = await client.NextAsync();
        refused.GetProperty("code").GetString().Should().Be("forbidden");
        refused.GetProperty("message").GetString().Should().Contain("secret");
    }

    [Fact]
    public async Task TheAdminApiNeedsTheAdminRoleOrTheApiKey()
    {
        var path = $"/api/channels/{TestNames.Channel()}";

        using var none = await Gateway.Http.GetAsync(path);
        using var user = await GetAsync(path, bearer: fixture.Tokens.Hs256("someone", claims: new Dictionary<string, object> { ["channels"] = ">" }));
        using var admin = await GetAsync(path, bearer: fixture.Tokens.Hs256("root", claims: new Dictionary<string, object> { ["role"] = "admin" }));
        using var key = await GetAsync(path, apiKey: AuthFixture.ApiKey);
        using var wrongKey = await GetAsync(path, apiKey: AuthFixture.ApiKey + "x");
        using var badToken = await GetAsync(path, bearer: TestTokens.AlgNone("root"));

        none.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("unauthorized");
        user.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await user.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("forbidden");
        admin.StatusCode.Should().Be(HttpStatusCode.OK);
        key.StatusCode.Should().Be(HttpStatusCode.OK);
        wrongKey.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        badToken.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PublishingOverRestIsAnAdminRouteToo()
    {
        using var content = new StringContent("1");
        using var refused = await Gateway.Http.PostAsync($"/api/channels/{TestNames.Channel()}/messages", content);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task HealthAndTheTransportsStayOpen()
    {
        using var live = await Gateway.Http.GetAsync("/health/live");
        using var metrics = await Gateway.Http.GetAsync("/metrics");

        live.StatusCode.Should().Be(HttpStatusCode.OK);
        metrics.StatusCode.Should().Be(HttpStatusCode.OK, "/metrics is open unless Realtime:Admin:ProtectMetrics is set");
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? bearer = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (apiKey is not null)
            request.Headers.Add("X-API-Key", apiKey);
        return await Gateway.Http.SendAsync(request);
    }
}
