using System.Net;
using System.Text;
using System.Text.Json;

namespace OrleansRealtime.Gateway.Tests.Infrastructure;

internal static class HttpTestExtensions
{
    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> with <paramref name="body"/> as JSON (none when null).</summary>
    public static async Task<HttpResponseMessage> SendJsonAsync(this HttpClient http, string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await http.SendAsync(request);
    }

    /// <summary>Asserts an RFC 7807 problem answer with <paramref name="status"/>, the protocol <paramref name="code"/> and a detail.</summary>
    public static async Task ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        problem.GetProperty("code").GetString().Should().Be(code);
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
    }
}
