using System.Net;
using System.Net.WebSockets;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary><c>Realtime:AllowedOrigins</c>: browser handshakes from other origins are refused; non-browser clients are not.</summary>
[Trait("Category", "EndToEnd")]
public sealed class OriginTests(OriginTests.Fixture fixture) : IClassFixture<OriginTests.Fixture>
{
    public const string Allowed = "https://app.example";

    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:AllowedOrigins:0"] = Allowed,
            ["Realtime:AllowedOrigins:1"] = "https://admin.example",
        };
    }

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task AWebSocketFromAnotherOriginIsRefusedWith403()
    {
        var connecting = () => RealtimeTestClient.ConnectAsync(Gateway.WebSocketUri(), configure: o => o.SetRequestHeader("Origin", "https://evil.example"));

        (await connecting.Should().ThrowAsync<InvalidOperationException>()).WithInnerException<WebSocketException>()
            .Which.Message.Should().Contain("403");
    }

    [Fact]
    public async Task AWebSocketFromAnAllowedOriginOrWithoutOriginIsAccepted()
    {
        await using var browser = await RealtimeTestClient.ConnectAsync(Gateway.WebSocketUri(), configure: o => o.SetRequestHeader("Origin", Allowed));
        await using var service = await Gateway.ConnectAsync();

        browser.ConnectionId.Should().NotBe(service.ConnectionId);
    }

    [Theory]
    [InlineData("GET", "/sse")]
    [InlineData("GET", "/events")]
    [InlineData("POST", "/hub/negotiate?negotiateVersion=1")]
    public async Task SseAndHubHandshakesFromAnotherOriginAreRefused(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString().Should().Be("forbidden");
    }

    [Fact]
    public async Task CorsAnswersAllowedOriginsOnlyForPollingAndRest()
    {
        using var allowed = await PreflightAsync(Allowed);
        using var other = await PreflightAsync("https://evil.example");

        allowed.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Allowed);
        other.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/poll");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        return await Gateway.Http.SendAsync(request);
    }
}
