using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Security;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Security;

/// <summary><c>MaxConnections</c> per gateway, and the per-user rate shared by gateways through the user's rate grain.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ConnectionLimitTests(ConnectionLimitTests.Fixture fixture) : IClassFixture<ConnectionLimitTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:MaxConnections"] = "2",
            ["Realtime:Limits:MessagesPerSecond"] = "50",
        };
    }

    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task AConnectionOverTheLimitIsRefusedBeforeTheUpgradeOnEveryTransport()
    {
        await using var first = await Gateway.ConnectAsync();
        await using (var second = await SseTestClient.ConnectAsync(Gateway.BaseUri))
        {
            var refused = () => Gateway.ConnectAsync();
            (await refused.Should().ThrowAsync<InvalidOperationException>()).WithInnerException<WebSocketException>().Which.Message.Should().Contain("429");
            using var poll = await Gateway.Http.PostAsync("/poll", null);
            poll.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            (await poll.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("limit_exceeded");
        }

        // A slot freed is a slot available again.
        await using var third = await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    return await SseTestClient.ConnectAsync(Gateway.BaseUri);
                }
                catch (InvalidOperationException)
                {
                    return null;
                }
            },
            client => client is not null,
            "a connection after one closed") ?? throw new InvalidOperationException("unreachable");
        third.Welcome.GetProperty("transport").GetString().Should().Be("sse");
    }

    [Fact]
    public async Task TwoGatewaysShareOneUsersBudget()
    {
        // Two limiters on the same cluster stand for two gateways: the user's budget is the grain's, not each gateway's.
        var client = Gateway.GetRequiredService<IClusterClient>();
        var limits = Gateway.GetRequiredService<IOptions<LimitsOptions>>();
        var gatewayA = new UserRateLimiter(client, limits, TimeProvider.System);
        var gatewayB = new UserRateLimiter(client, limits, TimeProvider.System);
        var user = "shared-" + Guid.NewGuid().ToString("N");

        var admitted = 0;
        for (var i = 0; i < 100; i++)
        {
            if ((await (i % 2 == 0 ? gatewayA : gatewayB).TryTakeAsync(user)).Allowed)
                admitted++;
        }

        admitted.Should().BeInRange(50, 55, "one second's budget (50) in all, plus what refills during the burst");
        (await gatewayA.TryTakeAsync("someone-else-" + Guid.NewGuid().ToString("N"))).Allowed.Should().BeTrue("budgets are per user");
    }
}
