using System.Net;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>
/// The cluster-wide admin routes on one embedded gateway: <c>/api/connections</c> paging and 404s, and
/// <c>/api/cluster</c> with the silo and this gateway's lease and load (renewed every second here).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ClusterAdminRestTests(ClusterAdminRestTests.Fixture fixture) : IClassFixture<ClusterAdminRestTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        public const string GatewayId = "gw-admin";

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:GatewayId"] = GatewayId,
            ["Realtime:Gateways:LeaseSeconds"] = "3",
        };
    }

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task ListingPagesThroughEveryConnectionOnceInIdOrderWithItsGateway()
    {
        var clients = new List<RealtimeTestClient>();
        try
        {
            for (var i = 0; i < 5; i++)
                clients.Add(await fixture.Host.ConnectAsync($"user=lister{i}"));
            var mine = clients.Select(c => c.ConnectionId).ToHashSet(StringComparer.Ordinal);

            var listed = new List<JsonElement>();
            string? after = null;
            for (var page = 0; ; page++)
            {
                page.Should().BeLessThan(50, "paging ends");
                var body = await Http.GetFromJsonAsync<JsonElement>($"/api/connections?limit=2{(after is null ? "" : "&after=" + after)}");
                var connections = body.GetProperty("connections").EnumerateArray().ToList();
                connections.Count.Should().BeLessThanOrEqualTo(2);
                body.GetProperty("unreachable").GetArrayLength().Should().Be(0);
                listed.AddRange(connections);
                var next = body.GetProperty("next");
                if (next.ValueKind == JsonValueKind.Null)
                    break;
                connections.Should().HaveCount(2, "only a full page has a next cursor");
                next.GetString().Should().Be(connections[^1].GetProperty("connectionId").GetString());
                after = next.GetString();
            }

            var ids = listed.Select(c => c.GetProperty("connectionId").GetString()!).ToList();
            ids.Should().BeInAscendingOrder(StringComparer.Ordinal).And.OnlyHaveUniqueItems();
            ids.Should().Contain(mine);
            var first = listed.Single(c => c.GetProperty("connectionId").GetString() == clients[0].ConnectionId);
            first.GetProperty("gateway").GetString().Should().Be(Fixture.GatewayId);
            first.GetProperty("userId").GetString().Should().Be("lister0");
            first.GetProperty("transport").GetString().Should().Be("websocket");
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task ALimitOutsideItsRangeIsABadRequest()
    {
        using var zero = await Http.GetAsync("/api/connections?limit=0");
        await zero.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad_request");
        using var huge = await Http.GetAsync("/api/connections?limit=1001");
        await huge.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad_request");
        using var text = await Http.GetAsync("/api/connections?limit=many");
        await text.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task AnUnknownConnectionIsNotFoundOnAnyGateway()
    {
        using var get = await Http.GetAsync("/api/connections/c-nobody");
        await get.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        using var delete = await Http.DeleteAsync("/api/connections/c-nobody");
        await delete.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task AClosedConnectionIsNoLongerFound()
    {
        await using var client = await fixture.Host.ConnectAsync("user=closing");
        var found = await Http.GetFromJsonAsync<JsonElement>($"/api/connections/{client.ConnectionId}");
        found.GetProperty("userId").GetString().Should().Be("closing");

        using var delete = await Http.DeleteAsync($"/api/connections/{client.ConnectionId}");
        delete.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await client.NextOfTypeAsync("close")).GetProperty("code").GetString().Should().Be("closed_by_admin");
        await client.EndedAsync();

        using var again = await Http.DeleteAsync($"/api/connections/{client.ConnectionId}");
        await again.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task TheClusterShowsTheSiloAndThisGatewayWithItsLoad()
    {
        await using var a = await fixture.Host.ConnectAsync("user=load-a");
        await using var b = await fixture.Host.ConnectAsync("user=load-b");
        var channel = TestNames.Channel();
        await a.SubscribeAsync(channel);

        // The load is what the gateway reported on its last renewal (every second with a 3 s lease).
        var cluster = await Eventually.HoldsAsync(
            () => Http.GetFromJsonAsync<JsonElement>("/api/cluster"),
            c => ThisGateway(c) is { } g && WebSockets(g) >= 2 && g.GetProperty("load").GetProperty("subscriptions").GetInt64() >= 1,
            "this gateway reports its two WebSocket connections and a subscription");

        var silo = cluster.GetProperty("silos").EnumerateArray().Should().ContainSingle().Subject;
        silo.GetProperty("status").GetString().Should().Be("Active");
        silo.GetProperty("address").GetString().Should().NotBeNullOrEmpty();

        var gateway = ThisGateway(cluster)!.Value;
        gateway.GetProperty("status").GetString().Should().Be("Active");
        gateway.GetProperty("address").GetString().Should().Be(fixture.Host.BaseUri.ToString().TrimEnd('/'));
        var renewed = gateway.GetProperty("renewedAt").GetDateTimeOffset();
        (gateway.GetProperty("leaseExpiresAt").GetDateTimeOffset() - renewed).Should().Be(TimeSpan.FromSeconds(3));
        gateway.GetProperty("load").GetProperty("feeds").GetInt64().Should().BeGreaterThanOrEqualTo(1);
        gateway.GetProperty("load").GetProperty("connections").GetProperty("total").GetInt64().Should().Be(WebSockets(gateway));
    }

    [Fact]
    public async Task ChannelsArePagedByNameWithTheirState()
    {
        var prefix = TestNames.Channel("list");
        foreach (var (suffix, messages) in new[] { ("a", 1), ("b", 2), ("c", 3) })
        {
            for (var i = 0; i < messages; i++)
            {
                using var published = await Http.PostAsync($"/api/channels/{prefix}.{suffix}/messages", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
                published.StatusCode.Should().Be(HttpStatusCode.OK);
            }
        }

        var first = await Http.GetFromJsonAsync<JsonElement>($"/api/channels?limit=2&after={prefix}");
        var page = first.GetProperty("channels").EnumerateArray().ToList();
        page.Select(c => c.GetProperty("channel").GetString()).Should().Equal($"{prefix}.a", $"{prefix}.b");
        page.Select(c => c.GetProperty("offset").GetInt64()).Should().Equal(1, 2);
        page[0].GetProperty("epoch").GetString().Should().NotBeNullOrEmpty();
        first.GetProperty("next").GetString().Should().Be($"{prefix}.b");

        var second = await Http.GetFromJsonAsync<JsonElement>($"/api/channels?limit=2&after={prefix}.b");
        var c = second.GetProperty("channels").EnumerateArray().First();
        c.GetProperty("channel").GetString().Should().Be($"{prefix}.c");
        c.GetProperty("offset").GetInt64().Should().Be(3);
        c.GetProperty("historyLength").GetInt32().Should().Be(3);

        using var bad = await Http.GetAsync("/api/channels?limit=0");
        await bad.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad_request");
    }

    private static JsonElement? ThisGateway(JsonElement cluster) =>
        cluster.GetProperty("gateways").EnumerateArray().Where(g => g.GetProperty("id").GetString() == Fixture.GatewayId).Cast<JsonElement?>().FirstOrDefault();

    private static long WebSockets(JsonElement gateway) =>
        gateway.GetProperty("load").GetProperty("connections").GetProperty("byTransport").TryGetProperty("websocket", out var count) ? count.GetInt64() : 0;
}
