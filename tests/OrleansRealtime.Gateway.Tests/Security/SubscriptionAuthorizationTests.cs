using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary>
/// Server-side subscriptions on a gateway that requires tokens: the routes are admin routes (401 without the API key),
/// and the connection's user must be granted the channel, as for its own <c>subscribe</c>.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SubscriptionAuthorizationTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    [Fact]
    public async Task TheRoutesNeedTheAdminKey()
    {
        using var create = await SendAsync("POST", "/api/subscriptions", """{"connectionId":"c-x","channel":"news"}""", apiKey: null);
        await create.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        using var list = await SendAsync("GET", "/api/subscriptions?connectionId=c-x", body: null, apiKey: null);
        await list.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        using var delete = await SendAsync("DELETE", "/api/subscriptions/abc", body: null, apiKey: null);
        await delete.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task TheConnectionsUserMustBeGrantedTheChannel()
    {
        var token = fixture.Tokens.Hs256("granted-reader", claims: new Dictionary<string, object> { ["channels"] = "open.>" });
        await using var client = await fixture.Host.ConnectAsync($"access_token={token}");

        using var refused = await SendAsync("POST", "/api/subscriptions", JsonSerializer.Serialize(new { connectionId = client.ConnectionId, channel = "secret.plans" }), AuthFixture.ApiKey);
        await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using var allowed = await SendAsync("POST", "/api/subscriptions", JsonSerializer.Serialize(new { connectionId = client.ConnectionId, channel = "open.news" }), AuthFixture.ApiKey);
        allowed.StatusCode.Should().Be(HttpStatusCode.Created, await allowed.Content.ReadAsStringAsync());
        (await client.NextOfTypeAsync("subscribed")).GetProperty("channel").GetString().Should().Be("open.news");
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? body, string? apiKey)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        if (apiKey is not null)
            request.Headers.Add("X-API-Key", apiKey);
        return await fixture.Host.Http.SendAsync(request);
    }
}
