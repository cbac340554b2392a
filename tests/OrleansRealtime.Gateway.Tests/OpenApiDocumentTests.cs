using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using OrleansRealtime.Gateway.Tests.Infrastructure;

namespace OrleansRealtime.Gateway.Tests;

/// <summary><c>GET /openapi/v1.json</c> describes every REST route, with tags, summaries and its problem answers, and nothing else.</summary>
[Trait("Category", "EndToEnd")]
public sealed class OpenApiDocumentTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly string[] ErrorCodes =
        ["bad_request", "unauthorized", "forbidden", "not_found", "rate_limited", "too_large", "limit_exceeded", "unavailable", "internal"];

    [Fact]
    public async Task EveryApiRouteIsDescribedWithTagsASummaryAndProblemResponses()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");

        var routes = ApiRoutes();
        routes.Should().Contain([("POST", "/api/channels/{channel}/messages"), ("GET", "/api/status"), ("GET", "/api/metrics")]);
        foreach (var (method, path) in routes)
        {
            paths.TryGetProperty(path, out var item).Should().BeTrue($"{path} is a REST route");
            item.TryGetProperty(method.ToLowerInvariant(), out var operation).Should().BeTrue($"{method} {path} is a REST route");
            operation.GetProperty("tags").GetArrayLength().Should().BePositive($"{method} {path} has a tag");
            operation.GetProperty("summary").GetString().Should().NotBeNullOrWhiteSpace($"{method} {path} has a summary");

            var problems = operation.GetProperty("responses").EnumerateObject()
                .Where(response => response.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _))
                .Select(response => response.Name)
                .ToList();
            problems.Should().Contain("500", $"{method} {path} can fail unexpectedly");
        }
    }

    [Fact]
    public async Task RouteSpecificProblemsAreListed()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");

        Responses(paths, "/api/channels/{channel}/messages", "post").Should().Contain(["200", "400", "413", "503"]);
        Responses(paths, "/api/channels/{channel}/messages", "get").Should().Contain(["200", "400", "503"]);
        Responses(paths, "/api/channels/{channel}", "get").Should().Contain(["200", "400", "503"]);
    }

    [Fact]
    public async Task ProblemsCarryTheProtocolsErrorCode()
    {
        var document = await DocumentAsync();

        var code = document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails").GetProperty("properties").GetProperty("code");
        code.GetProperty("enum").EnumerateArray().Select(value => value.GetString()).Should().BeEquivalentTo(ErrorCodes);
    }

    [Fact]
    public async Task TransportsProbesAndTheScrapeAreNotInTheDocument()
    {
        var paths = (await DocumentAsync()).GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();

        paths.Should().OnlyContain(path => path.StartsWith("/api/", StringComparison.Ordinal));
    }

    private async Task<JsonElement> DocumentAsync() => await fixture.Host.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

    /// <summary>Every route the gateway maps under <c>/api</c>, by method and OpenAPI path template.</summary>
    private List<(string Method, string Path)> ApiRoutes() =>
        [.. fixture.Host.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => (method, endpoint.RoutePattern.RawText!)))];

    private static IEnumerable<string> Responses(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).GetProperty("responses").EnumerateObject().Select(response => response.Name);
}
