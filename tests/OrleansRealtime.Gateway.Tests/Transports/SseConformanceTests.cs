using System.Net;
using System.Text;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Transports;

public sealed class SseConformanceTests(TransportFixture fixture) : HttpPostConformanceTests(fixture), IClassFixture<TransportFixture>
{
    protected override string TransportName => "sse";

    protected override async Task<RealtimeClient> ConnectAsync(string query = "") => await SseTestClient.ConnectAsync(Gateway.BaseUri, query);

    /// <summary>SSE resumes by token alone: the reconnect names no channel, the token brings back every subscription.</summary>
    protected override Task<RealtimeClient> ResumeAsync(RealtimeClient dropped, string channel, JsonElement lastMessage) =>
        ResumeByTokenAsync(dropped, "channel", channel);

    /// <summary>The same token resumes stream subscriptions.</summary>
    protected override Task<RealtimeClient> ResumeStreamAsync(RealtimeClient dropped, string stream, JsonElement lastEvent) =>
        ResumeByTokenAsync(dropped, "stream", stream);

    private async Task<RealtimeClient> ResumeByTokenAsync(RealtimeClient dropped, string kind, string name)
    {
        var token = ((SseTestClient)dropped).LastEventId;
        token.Should().NotBeNull();
        var client = await SseTestClient.ConnectAsync(Gateway.BaseUri, lastEventId: token);
        var ack = await client.NextOfTypeAsync("ack");
        ack.GetProperty(kind).GetString().Should().Be(name);
        ack.GetProperty("recovered").GetBoolean().Should().BeTrue();
        return client;
    }

    protected override Task<HttpResponseMessage> PostRawAsync(RealtimeClient client, byte[] body) => ((SseTestClient)client).PostRawAsync(body);

    protected override string PostPath(string connectionId) => $"/sse/{connectionId}";

    [Fact]
    public async Task TheStreamIsAnUncachedEventStreamStartingWithTheWelcome()
    {
        await using var client = await SseTestClient.ConnectAsync(Gateway.BaseUri);

        client.Response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        client.Response.Headers.CacheControl!.NoCache.Should().BeTrue();
        client.Response.Headers.GetValues("X-Accel-Buffering").Should().Equal("no");
        client.Welcome.GetProperty("type").GetString().Should().Be("welcome");
    }

    [Fact]
    public async Task SubscribeInTheUrlAnswersOneAckPerChannelAndAnErrorNamingABadOne()
    {
        var (first, second) = (TestNames.Channel(), TestNames.Channel());
        await using var client = await SseTestClient.ConnectAsync(Gateway.BaseUri, $"subscribe={first},bad%20name,{second}");

        var frames = new[] { await client.NextAsync(), await client.NextAsync(), await client.NextAsync() };

        frames.Select(f => f.GetProperty("type").GetString()).Should().Equal("ack", "error", "ack");
        frames[0].GetProperty("channel").GetString().Should().Be(first);
        frames[1].GetProperty("message").GetString().Should().Contain("bad name");
        frames[2].GetProperty("channel").GetString().Should().Be(second);
    }

    [Fact]
    public async Task TheEventsAliasServesTheSameStream()
    {
        using var http = new HttpClient { BaseAddress = Gateway.BaseUri };
        using var response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
    }

    [Fact]
    public async Task TheTokenAlsoResumesSubscriptionsAddedLaterByPost()
    {
        var (inUrl, added) = (TestNames.Channel(), TestNames.Channel());
        var client = await SseTestClient.ConnectAsync(Gateway.BaseUri, $"subscribe={inUrl}");
        await client.NextOfTypeAsync("ack");
        await client.SubscribeAsync(added);
        await PublishOverRestAsync(added, 1, 2);
        await client.MessagesAsync(added, 2);
        await client.DisposeAsync();
        await PublishOverRestAsync(added, 3, 4);
        await PublishOverRestAsync(inUrl, 1, 1);

        await using var resumed = await SseTestClient.ConnectAsync(Gateway.BaseUri, $"subscribe={inUrl}", client.LastEventId);

        (await resumed.MessagesAsync(added, 2)).Select(m => m.GetProperty("data").GetInt32()).Should().Equal(3, 4);
        (await resumed.MessagesAsync(inUrl, 1))[0].GetProperty("data").GetInt32().Should().Be(1);
    }

    [Theory]
    [InlineData("not base64 !")]
    [InlineData("eyJ2Ijo5fQ")] // {"v":9}
    public async Task AnUnreadableLastEventIdIsAnsweredWithAnErrorAndTheStreamGoesOn(string token)
    {
        var channel = TestNames.Channel();
        await using var client = await SseTestClient.ConnectAsync(Gateway.BaseUri, $"subscribe={channel}", token);

        var error = await client.NextOfTypeAsync("error");
        error.GetProperty("code").GetString().Should().Be("bad_request");
        error.GetProperty("message").GetString().Should().Contain("Last-Event-ID");
        (await client.NextOfTypeAsync("ack")).TryGetProperty("recovered", out _).Should().BeFalse();
    }

    [Fact]
    public async Task EveryEventCarriesTheResumeTokenAsItsId()
    {
        var channel = TestNames.Channel();
        await using var client = await SseTestClient.ConnectAsync(Gateway.BaseUri, $"subscribe={channel}");
        await client.NextOfTypeAsync("ack");
        var before = client.LastEventId;
        await PublishOverRestAsync(channel, 1, 1);
        await client.MessagesAsync(channel, 1);

        client.LastEventId.Should().NotBeNullOrEmpty().And.NotBe(before, "a delivered message moves the position");
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(client.LastEventId!.Replace('-', '+').Replace('_', '/'))));
        json.Should().Contain(channel).And.Contain(",1]");
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
}
