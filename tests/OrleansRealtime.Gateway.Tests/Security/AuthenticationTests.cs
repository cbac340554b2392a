using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Security;

[Trait("Category", "EndToEnd")]
public sealed class AuthenticationTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private GatewayHost Gateway => fixture.Host;

    private TestTokens Tokens => fixture.Tokens;

    [Fact]
    public async Task AnHs256TokenInTheQueryMakesItsSubjectTheUser()
    {
        await using var client = await Gateway.ConnectAsync($"access_token={Tokens.Hs256("alice")}");

        client.UserId.Should().Be("alice");
    }

    [Fact]
    public async Task TheTokenParameterAndTheBearerHeaderWorkToo()
    {
        await using var byQuery = await Gateway.ConnectAsync($"token={Tokens.Hs256("bob")}");
        await using var byHeader = await RealtimeTestClient.ConnectAsync(Gateway.WebSocketUri(),
            configure: options => options.SetRequestHeader("Authorization", $"Bearer {Tokens.Hs256("carol")}"));

        byQuery.UserId.Should().Be("bob");
        byHeader.UserId.Should().Be("carol");
    }

    [Fact]
    public async Task ATokenOfferedAsWebSocketSubprotocolIsAcceptedAndTheProtocolIsAnswered()
    {
        var protocol = "access_token." + Tokens.Hs256("dave");
        await using var client = await RealtimeTestClient.ConnectAsync(Gateway.WebSocketUri(), configure: options => options.AddSubProtocol(protocol));

        client.UserId.Should().Be("dave");
        client.SubProtocol.Should().Be(protocol, "a browser fails the handshake unless an offered subprotocol is chosen");
    }

    [Fact]
    public async Task Rs256TokensFromThePemKeyAndTheJwksFileAreAccepted()
    {
        await using var pem = await Gateway.ConnectAsync($"access_token={Tokens.Rs256("erin")}");
        await using var jwks = await Gateway.ConnectAsync($"access_token={Tokens.Rs256("frank", key: fixture.JwksKey)}");

        pem.UserId.Should().Be("erin");
        jwks.UserId.Should().Be("frank");
    }

    public static TheoryData<string, string> BadTokens()
    {
        using var tokens = new TestTokens();
        using var stranger = System.Security.Cryptography.RSA.Create(2048);
        return new TheoryData<string, string>
        {
            { TestTokens.AlgNone("mallory"), "token" },
            { tokens.Hs256("mallory", secret: "another-secret-that-is-long-enough-for-hs256"), "signature" },
            { tokens.Rs256("mallory", key: stranger), "signature" },
            { tokens.Hs256("mallory", lifetime: TimeSpan.FromMinutes(-5)), "expired" },
            { tokens.Hs256("mallory", notBefore: DateTime.UtcNow.AddMinutes(10), lifetime: TimeSpan.FromHours(1)), "not valid yet" },
            { tokens.Hs256("mallory", issuer: "https://elsewhere.test"), "issuer" },
            { tokens.Hs256("mallory", audience: "someone-else"), "audience" },
            { "not.a.jwt", "token" },
            { "garbage", "token" },
        };
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task ABadTokenIsRefusedAtTheHandshakeWithAProblemSayingWhy(string token, string mentions)
    {
        using var response = await Gateway.Http.GetAsync($"/sse?access_token={Uri.EscapeDataString(token)}", HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("unauthorized");
        problem.GetProperty("detail").GetString().Should().Contain(mentions);
    }

    [Fact]
    public async Task ABadTokenIsRefusedBeforeTheWebSocketUpgrade()
    {
        var connecting = () => Gateway.ConnectAsync($"access_token={TestTokens.AlgNone("mallory")}");

        (await connecting.Should().ThrowAsync<InvalidOperationException>()).WithInnerException<WebSocketException>()
            .Which.Message.Should().Contain("401");
    }

    [Fact]
    public async Task WithoutATokenOnlyAuthAndPingAreAcceptedUntilAnAuthFrameArrives()
    {
        var channel = TestNames.Channel();
        await using var client = await Gateway.ConnectAsync();
        client.Welcome.GetProperty("auth").GetString().Should().Be("required");
        client.Welcome.TryGetProperty("userId", out _).Should().BeFalse();

        var refused = await client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["channel"] = channel });
        refused.GetProperty("code").GetString().Should().Be("unauthorized");
        (await client.RequestAsync(new JsonObject { ["type"] = "ping" })).GetProperty("type").GetString().Should().Be("pong");

        var grants = new Dictionary<string, object> { ["channels"] = new[] { "test.>" } };
        var ack = RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "auth", ["token"] = Tokens.Hs256("grace", claims: grants) }));
        ack.GetProperty("userId").GetString().Should().Be("grace");
        ack.GetProperty("expiresAt").GetString().Should().NotBeNullOrEmpty();
        await client.SubscribeAsync(channel);
    }

    [Fact]
    public async Task ABadAuthFrameIsAnsweredAndTheConnectionMayTryAgain()
    {
        await using var client = await Gateway.ConnectAsync();

        var refused = await client.RequestAsync(new JsonObject { ["type"] = "auth", ["token"] = TestTokens.AlgNone("mallory") });
        refused.GetProperty("code").GetString().Should().Be("unauthorized");
        var missing = await client.RequestAsync(new JsonObject { ["type"] = "auth" });
        missing.GetProperty("code").GetString().Should().Be("bad_request");
        var huge = await client.RequestAsync(new JsonObject { ["type"] = "auth", ["token"] = new string('x', 20_000) });
        huge.GetProperty("message").GetString().Should().Contain("longer than");

        RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "auth", ["token"] = Tokens.Hs256("heidi") }));
    }

    [Fact]
    public async Task AConnectionThatNeverAuthenticatesIsClosedAfterTheTimeout()
    {
        await using var client = await Gateway.ConnectAsync();

        var close = await client.NextOfTypeAsync("close", TimeSpan.FromSeconds(15));

        close.GetProperty("code").GetString().Should().Be("unauthorized");
        (await client.ClosedAsync()).Status.Should().Be((WebSocketCloseStatus)4001);
    }

    [Fact]
    public async Task AnExpiredTokenClosesTheConnectionWithTokenExpired()
    {
        await using var client = await Gateway.ConnectAsync($"access_token={Tokens.Hs256("ivan", lifetime: TimeSpan.FromSeconds(2))}");

        var close = await client.NextOfTypeAsync("close", TimeSpan.FromSeconds(15));

        close.GetProperty("code").GetString().Should().Be("token_expired");
        (await client.ClosedAsync()).Status.Should().Be((WebSocketCloseStatus)4002);
    }

    [Theory]
    [InlineData("sse")]
    [InlineData("polling")]
    [InlineData("signalr")]
    public async Task ExpiryClosesConnectionsOfEveryTransportWithTokenExpired(string transport)
    {
        var token = Tokens.Hs256("ivan", lifetime: TimeSpan.FromSeconds(2));
        await using RealtimeClient client = transport switch
        {
            "sse" => await SseTestClient.ConnectAsync(Gateway.BaseUri, $"access_token={token}"),
            "polling" => await PollingTestClient.ConnectAsync(Gateway.BaseUri, accessToken: token, pollSeconds: 1),
            _ => await SignalRTestClient.ConnectAsync(Gateway.BaseUri, HttpTransportType.WebSockets, $"access_token={token}"),
        };

        var close = await client.NextOfTypeAsync("close", TimeSpan.FromSeconds(15));

        close.GetProperty("code").GetString().Should().Be("token_expired");
        await client.EndedAsync();
    }

    [Fact]
    public async Task ARefreshExtendsTheConnectionAndMustBeForTheSameUser()
    {
        var firstExpiry = DateTime.UtcNow.AddSeconds(3);
        await using var client = await Gateway.ConnectAsync($"access_token={Tokens.Hs256("judy", lifetime: TimeSpan.FromSeconds(3))}");

        var other = await client.RequestAsync(new JsonObject { ["type"] = "auth", ["token"] = Tokens.Hs256("mallory") });
        other.GetProperty("code").GetString().Should().Be("forbidden");
        RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "auth", ["token"] = Tokens.Hs256("judy") }));

        // The server's pings (every second) mark time: past the first token's expiry the connection still works.
        while (DateTime.UtcNow < firstExpiry.AddSeconds(1.5))
            await client.NextOfTypeAsync("ping", TimeSpan.FromSeconds(15));
        (await client.RequestAsync(new JsonObject { ["type"] = "ping" })).GetProperty("type").GetString().Should().Be("pong");
    }

    [Fact]
    public async Task TheUserParameterIsRefusedWhenAnonymousAccessIsOff()
    {
        using var response = await Gateway.Http.PostAsync("/poll?user=alice", null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain("anonymous");
    }

    [Fact]
    public async Task PostsForATokensConnectionNeedTheSameUsersToken()
    {
        await using var client = await SseTestClient.ConnectAsync(Gateway.BaseUri, $"access_token={Tokens.Hs256("kim")}");
        var frame = new StringContent("""{"id":1,"type":"ping"}""");

        using var anonymous = await Gateway.Http.PostAsync($"/sse/{client.ConnectionId}", frame);
        using var stranger = await PostWithTokenAsync($"/sse/{client.ConnectionId}", Tokens.Hs256("mallory"));
        using var owner = await PostWithTokenAsync($"/sse/{client.ConnectionId}", Tokens.Hs256("kim"));

        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        stranger.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        owner.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await client.NextOfTypeAsync("pong")).GetProperty("id").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task TheOfficialSignalRClientAuthenticatesWithItsAccessTokenFactory()
    {
        foreach (var transport in new[] { HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling })
        {
            var welcome = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(Gateway.BaseUri, "/hub"), transport, options => options.AccessTokenProvider = () => Task.FromResult<string?>(Tokens.Hs256("leo")))
                .Build();
            connection.On<JsonElement>("frame", frame => welcome.TrySetResult(frame));

            await connection.StartAsync();

            (await welcome.Task.WaitAsync(TimeSpan.FromSeconds(20))).GetProperty("userId").GetString().Should().Be("leo", $"over {transport}");
        }
    }

    private async Task<HttpResponseMessage> PostWithTokenAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("""{"id":1,"type":"ping"}""") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Gateway.Http.SendAsync(request);
    }
}
