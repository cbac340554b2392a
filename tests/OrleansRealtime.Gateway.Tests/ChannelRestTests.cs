using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;

namespace OrleansRealtime.Gateway.Tests;

[Trait("Category", "EndToEnd")]
public sealed class ChannelRestTests(ChannelRestTests.Fixture fixture) : IClassFixture<ChannelRestTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:MaxFrameBytes"] = "1024",
        };
    }

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task APublishOverRestReachesWebSocketSubscribersAndAnswersItsPosition()
    {
        var channel = TestNames.Channel();
        await using var subscriber = await fixture.Host.ConnectAsync();
        var ack = await subscriber.SubscribeAsync(channel);

        var response = await PostJsonAsync($"/api/channels/{channel}/messages?priority=low", """{"text":"from the server"}""");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("offset").GetInt64().Should().Be(1);
        body.GetProperty("epoch").GetString().Should().Be(ack.GetProperty("epoch").GetString());

        var message = (await subscriber.MessagesAsync(channel, 1))[0];
        message.GetProperty("data").GetProperty("text").GetString().Should().Be("from the server");
        message.GetProperty("priority").GetString().Should().Be("low");
        message.TryGetProperty("from", out _).Should().BeFalse("a server-side publication has no user");
    }

    [Fact]
    public async Task HistoryOverRestIsTheHistoryAckWithoutTypeAndId()
    {
        var channel = TestNames.Channel();
        for (var n = 1; n <= 5; n++)
            (await PostJsonAsync($"/api/channels/{channel}/messages", n.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccessStatusCode();

        var page = await Http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}/messages?since=2&limit=2");
        page.TryGetProperty("type", out _).Should().BeFalse();
        page.GetProperty("channel").GetString().Should().Be(channel);
        page.GetProperty("offset").GetInt64().Should().Be(5);
        page.GetProperty("more").GetBoolean().Should().BeTrue();
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("data").GetInt32()).Should().Equal(3, 4);

        var epoch = page.GetProperty("epoch").GetString();
        var withEpoch = await Http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}/messages?since=4&epoch={epoch}");
        withEpoch.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("offset").GetInt64()).Should().Equal(5);

        var staleEpoch = await Http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}/messages?since=4&epoch=old");
        staleEpoch.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("offset").GetInt64()).Should()
            .Equal([1, 2, 3, 4, 5], "a since from another epoch reads from the start of the current history");
    }

    [Fact]
    public async Task ChannelStateShowsOffsetEpochAndHistoryLength()
    {
        var channel = TestNames.Channel();
        for (var n = 1; n <= 3; n++)
            (await PostJsonAsync($"/api/channels/{channel}/messages", "{}")).EnsureSuccessStatusCode();

        var info = await Http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}");
        info.GetProperty("channel").GetString().Should().Be(channel);
        info.GetProperty("offset").GetInt64().Should().Be(3);
        info.GetProperty("historyLength").GetInt32().Should().Be(3);
        info.GetProperty("epoch").GetString().Should().NotBeNullOrEmpty();
        info.GetProperty("subscribers").ValueKind.Should().Be(JsonValueKind.Object);
        var rates = info.GetProperty("rates");
        rates.GetProperty("windowSeconds").GetInt32().Should().Be(OrleansRealtime.Channels.ChannelInfo.RateWindowSeconds);
        rates.GetProperty("publishedPerSecond").GetDouble().Should().BeApproximately(
            3.0 / OrleansRealtime.Channels.ChannelInfo.RateWindowSeconds, 0.001, "the three publications are within the window (its exact edges are tested on the grain with a fake clock)");
    }

    public static TheoryData<string, string, string?, HttpStatusCode, string> BadRequests => new()
    {
        { "POST", "/api/channels/a..b/messages", "1", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/channels/news/messages", "{not json", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/channels/news/messages", "", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/channels/news/messages", "1 2", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/channels/news/messages?priority=urgent", "1", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/channels/news/messages", "\"" + new string('x', 2000) + "\"", HttpStatusCode.RequestEntityTooLarge, "too_large" },
        { "GET", "/api/channels/news/messages?since=abc", null, HttpStatusCode.BadRequest, "bad_request" },
        { "GET", "/api/channels/news/messages?limit=-1", null, HttpStatusCode.BadRequest, "bad_request" },
        { "GET", "/api/channels/news%20now", null, HttpStatusCode.BadRequest, "bad_request" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequestsAreAnsweredWithProblemDetailsCarryingTheCode(string method, string path, string? body, HttpStatusCode status, string code)
    {
        using var response = await Http.SendJsonAsync(method, path, body);

        await response.ShouldBeProblemAsync(status, code);
    }

    [Fact]
    public async Task HealthEndpointsAnswerLiveAndReady()
    {
        (await Http.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Http.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task APlainHttpRequestToTheWebSocketEndpointGetsAProblem()
    {
        using var response = await Http.GetAsync("/ws");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("bad_request");
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Http.PostAsync(path, content);
    }
}
