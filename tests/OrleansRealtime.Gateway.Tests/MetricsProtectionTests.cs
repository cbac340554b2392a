using System.Net;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>
/// <c>Realtime:Admin:ProtectMetrics</c> puts <c>GET /metrics</c> behind the admin API key (<c>X-API-Key</c>); without
/// a configured key a protected endpoint admits nobody. Open by default: see <see cref="MetricsExpositionTests"/>.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class MetricsProtectionTests(MetricsProtectionTests.Fixture fixture) : IClassFixture<MetricsProtectionTests.Fixture>
{
    public const string ApiKey = "an admin key";

    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Admin:ProtectMetrics"] = "true",
            ["Realtime:Admin:ApiKey"] = ApiKey,
        };
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("an admin ke")]
    [InlineData("An admin key")]
    [InlineData("an admin key!")]
    public async Task AScrapeWithoutTheKeyIsUnauthorizedWithAProblem(string? key)
    {
        using var response = await ScrapeAsync(fixture.Host.Http, key);

        await ExpectUnauthorizedAsync(response);
    }

    [Fact]
    public async Task AScrapeWithTheKeyGetsTheExposition()
    {
        using var response = await ScrapeAsync(fixture.Host.Http, ApiKey);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var scrape = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
        scrape.Types.Should().ContainKey("realtime_feeds");
    }

    [Fact]
    public async Task WithoutAConfiguredKeyAProtectedEndpointAdmitsNobody()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Realtime:Admin:ProtectMetrics"] = "true" });

        using var withSomeKey = await ScrapeAsync(gateway.Http, ApiKey);
        using var withEmptyKey = await ScrapeAsync(gateway.Http, string.Empty);

        await ExpectUnauthorizedAsync(withSomeKey);
        await ExpectUnauthorizedAsync(withEmptyKey);
    }

    private static async Task<HttpResponseMessage> ScrapeAsync(HttpClient http, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (key is not null)
            request.Headers.Add("X-API-Key", key);
        return await http.SendAsync(request);
    }

    private static async Task ExpectUnauthorizedAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("unauthorized");
        problem.GetProperty("status").GetInt32().Should().Be(401);
        problem.GetProperty("detail").GetString().Should().Contain("X-API-Key").And.NotContain(ApiKey);
    }
}
