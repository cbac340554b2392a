using System.Net;
using System.Text;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Transports;

public sealed class PollingConformanceTests(TransportFixture fixture) : HttpPostConformanceTests(fixture), IClassFixture<TransportFixture>
{
    protected override string TransportName => "polling";

    protected override async Task<RealtimeClient> ConnectAsync(string query = "") => await PollingTestClient.ConnectAsync(Gateway.BaseUri, query);

    protected override Task<HttpResponseMessage> PostRawAsync(RealtimeClient client, byte[] body) => ((PollingTestClient)client).PostRawAsync(body);

    protected override string PostPath(string connectionId) => $"/poll/{connectionId}";

    [Fact]
    public async Task AnAnswerLostOnTheWayIsSentAgainAndAConfirmedOneNever()
    {
        var channel = TestNames.Channel();
        var (id, welcome) = await OpenAsync($"subscribe={channel}");
        welcome.GetProperty("transport").GetString().Should().Be("polling");

        var first = await PollAsync(id, 0);
        first.GetProperty("frames")[0].GetProperty("type").GetString().Should().Be("ack");
        var cursor = first.GetProperty("cursor").GetInt64();

        // One message: with two, the second could arrive between the repeated poll and the last ones (a race, not a resend).
        await PublishOverRestAsync(channel, 1, 1);

        var lost = await PollUntilFramesAsync(id, cursor);
        var again = await PollAsync(id, cursor);
        var lostFrames = lost.GetProperty("frames").EnumerateArray().Select(f => f.GetRawText()).ToList();
        again.GetProperty("frames").EnumerateArray().Select(f => f.GetRawText()).Take(lostFrames.Count)
            .Should().Equal(lostFrames, "asking with the same cursor resends what it had not confirmed (newer frames may follow)");
        again.GetProperty("cursor").GetInt64().Should().BeGreaterThanOrEqualTo(lost.GetProperty("cursor").GetInt64());

        var confirmed = again.GetProperty("cursor").GetInt64();
        var empty = await PollAsync(id, confirmed, timeout: "0.2");
        empty.GetProperty("frames").GetArrayLength().Should().Be(0);
        empty.GetProperty("cursor").GetInt64().Should().Be(confirmed, "a poll that times out keeps the cursor");
        (await PollAsync(id, cursor, timeout: "0.2")).GetProperty("frames").GetArrayLength().Should().Be(0, "frames confirmed by a newer cursor never come back");
    }

    [Fact]
    public async Task APollWaitsForTheNextFrame()
    {
        var channel = TestNames.Channel();
        var (id, _) = await OpenAsync($"subscribe={channel}");
        var cursor = (await PollAsync(id, 0)).GetProperty("cursor").GetInt64();

        var waiting = PollAsync(id, cursor, timeout: "20");
        await PublishOverRestAsync(channel, 1, 1);
        var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(15));

        answer.GetProperty("frames")[0].GetProperty("data").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task ANewerPollSupersedesTheWaitingOne()
    {
        var (id, _) = await OpenAsync();
        var older = PollAsync(id, 0, timeout: "20");
        var newer = PollAsync(id, 0, timeout: "0.3");

        (await older.WaitAsync(TimeSpan.FromSeconds(10))).GetProperty("frames").GetArrayLength().Should().Be(0);
        (await newer.WaitAsync(TimeSpan.FromSeconds(10))).GetProperty("cursor").GetInt64().Should().Be(0);
    }

    [Theory]
    [InlineData("cursor=x")]
    [InlineData("")]
    [InlineData("cursor=-1")]
    [InlineData("cursor=99")]
    [InlineData("cursor=0&timeout=26")]
    [InlineData("cursor=0&timeout=soon")]
    public async Task ABadPollIsAProblem(string query)
    {
        var (id, _) = await OpenAsync();

        using var response = await Gateway.Http.GetAsync($"/poll/{id}?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("bad_request");
    }

    [Fact]
    public async Task PollingAnUnknownConnectionIsNotFound()
    {
        using var response = await Gateway.Http.GetAsync("/poll/c-unknown?cursor=0");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("not_found");
    }

    [Fact]
    public async Task AClientThatStopsPollingIsDisconnectedAfterThePongTimeout()
    {
        var (id, _) = await OpenAsync();

        var answer = await Eventually.HoldsAsync(
            () => Gateway.Http.GetAsync($"/api/connections/{id}"),
            response => response.StatusCode == HttpStatusCode.NotFound,
            "the connection is gone",
            TimeSpan.FromSeconds(TransportFixture.PongTimeoutSeconds + 15));
        answer.Dispose();

        // A late poll still learns why.
        var last = await PollAsync(id, 0, timeout: "0.2");
        last.GetProperty("frames")[0].GetProperty("code").GetString().Should().Be("idle_timeout");
    }

    private async Task<(string Id, JsonElement Welcome)> OpenAsync(string query = "")
    {
        using var response = await Gateway.Http.PostAsync("/poll" + (query.Length > 0 ? "?" + query : string.Empty), null);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var welcome = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (welcome.GetProperty("connectionId").GetString()!, welcome);
    }

    private async Task<JsonElement> PollAsync(string id, long cursor, string timeout = "5")
    {
        using var response = await Gateway.Http.GetAsync($"/poll/{id}?cursor={cursor}&timeout={timeout}");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private async Task<JsonElement> PollUntilFramesAsync(string id, long cursor)
    {
        var answer = await PollAsync(id, cursor);
        answer.GetProperty("frames").GetArrayLength().Should().BeGreaterThan(0, "a poll answers as soon as a frame is there");
        return answer;
    }
}
