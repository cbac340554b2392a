using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>
/// Server-side subscriptions on one embedded gateway (<c>/api/subscriptions</c>): a connection subscribed by the server
/// is told with a <c>subscribed</c> frame and receives what a client-made subscription would (filters, <c>since</c>
/// recovery), its subscriptions are listed with who made them, a deleted one stops delivery, and every refusal is a
/// problem with its code. The fixture allows three subscriptions per connection.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SubscriptionRestTests(SubscriptionRestTests.Fixture fixture) : IClassFixture<SubscriptionRestTests.Fixture>
{
    public sealed class Fixture : GatewayFixture
    {
        public const string GatewayId = "gw-subs";
        public const int MaxSubscriptions = 3;

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:GatewayId"] = GatewayId,
            ["Realtime:Limits:MaxSubscriptionsPerConnection"] = MaxSubscriptions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task AServerSubscriptionTellsTheClientThenDeliversPublications()
    {
        await using var client = await fixture.Host.ConnectAsync();
        var channel = TestNames.Channel("server");

        using var response = await SubscribeAsync(new { connectionId = client.ConnectionId, channel });
        var created = await CreatedAsync(response);
        created.GetProperty("connectionId").GetString().Should().Be(client.ConnectionId);
        created.GetProperty("gateway").GetString().Should().Be(Fixture.GatewayId);
        created.GetProperty("channel").GetString().Should().Be(channel);
        created.GetProperty("server").GetBoolean().Should().BeTrue();
        created.GetProperty("offset").GetInt64().Should().Be(0, "nothing was published yet");
        var epoch = created.GetProperty("epoch").GetString();
        epoch.Should().NotBeNullOrEmpty();
        response.Headers.Location!.ToString().Should().Be($"/api/subscriptions/{created.GetProperty("id").GetString()}");

        var subscribed = await client.NextOfTypeAsync("subscribed");
        subscribed.GetProperty("subscription").GetString().Should().Be(created.GetProperty("id").GetString());
        subscribed.GetProperty("channel").GetString().Should().Be(channel);
        subscribed.GetProperty("epoch").GetString().Should().Be(epoch);
        subscribed.GetProperty("offset").GetInt64().Should().Be(0);
        subscribed.GetProperty("server").GetBoolean().Should().BeTrue();
        subscribed.TryGetProperty("id", out _).Should().BeFalse("no client frame asked for it");

        await PublishAsync(channel, """{"n":1}""");
        var message = (await client.MessagesAsync(channel, 1)).Single();
        message.GetProperty("offset").GetInt64().Should().Be(1);
        message.GetProperty("data").GetProperty("n").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task FilterAndSinceWorkAsForAClientSubscribe()
    {
        await using var client = await fixture.Host.ConnectAsync();
        var channel = TestNames.Channel("recover");
        await PublishAsync(channel, """{"kind":"a","n":1}""");
        var epoch = await PublishAsync(channel, """{"kind":"b","n":2}""");
        await PublishAsync(channel, """{"kind":"a","n":3}""");

        using var response = await SubscribeAsync(new { connectionId = client.ConnectionId, channel, filter = new { kind = "a" }, since = new { offset = 1, epoch } });
        var created = await CreatedAsync(response);
        created.GetProperty("recovered").GetBoolean().Should().BeTrue();
        created.GetProperty("offset").GetInt64().Should().Be(3);
        created.GetProperty("filter").GetProperty("kind").GetString().Should().Be("a");

        var subscribed = await client.NextOfTypeAsync("subscribed");
        subscribed.GetProperty("recovered").GetBoolean().Should().BeTrue();
        subscribed.GetProperty("filter").GetProperty("kind").GetString().Should().Be("a", "a client needs the filter to subscribe again after a reconnect");

        await PublishAsync(channel, """{"kind":"b","n":4}""");
        await PublishAsync(channel, """{"kind":"a","n":5}""");
        var messages = await client.MessagesAsync(channel, 2);
        messages.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal([3, 5], "offset 2 and 4 do not pass the filter, offset 1 was before 'since'");
    }

    [Fact]
    public async Task ListingShowsClientAndServerMadeSubscriptionsAndWhoMadeThem()
    {
        await using var client = await fixture.Host.ConnectAsync();
        var own = TestNames.Channel("own");
        var pattern = TestNames.Channel("pat") + ".*";
        await client.SubscribeAsync(own);
        using (var response = await SubscribeAsync(new { connectionId = client.ConnectionId, pattern, filter = new { level = 2 } }))
            (await CreatedAsync(response)).GetProperty("pattern").GetString().Should().Be(pattern);

        var listed = await Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions?connectionId={Uri.EscapeDataString(client.ConnectionId)}");
        listed.GetProperty("connectionId").GetString().Should().Be(client.ConnectionId);
        var subscriptions = listed.GetProperty("subscriptions").EnumerateArray().ToList();
        subscriptions.Should().HaveCount(2);
        var mine = subscriptions.Single(s => s.GetProperty("channel").GetString() == own);
        mine.GetProperty("server").GetBoolean().Should().BeFalse("the client made it");
        mine.GetProperty("filter").ValueKind.Should().Be(JsonValueKind.Null);
        var server = subscriptions.Single(s => s.GetProperty("pattern").GetString() == pattern);
        server.GetProperty("server").GetBoolean().Should().BeTrue();
        server.GetProperty("filter").GetProperty("level").GetInt32().Should().Be(2);
        server.GetProperty("gateway").GetString().Should().Be(Fixture.GatewayId);
    }

    [Fact]
    public async Task DeletingASubscriptionStopsDeliveryAndTellsTheClient()
    {
        await using var client = await fixture.Host.ConnectAsync();
        var channel = TestNames.Channel("deleted");
        var marker = TestNames.Channel("marker");
        await client.SubscribeAsync(marker);
        string id;
        using (var response = await SubscribeAsync(new { connectionId = client.ConnectionId, channel }))
            id = (await CreatedAsync(response)).GetProperty("id").GetString()!;
        await PublishAsync(channel, "1");
        (await client.MessagesAsync(channel, 1)).Single().GetProperty("offset").GetInt64().Should().Be(1);

        using (var deleted = await Http.DeleteAsync($"/api/subscriptions/{id}"))
            deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var unsubscribed = await client.NextOfTypeAsync("unsubscribed");
        unsubscribed.GetProperty("subscription").GetString().Should().Be(id);
        unsubscribed.GetProperty("channel").GetString().Should().Be(channel);

        // Published in this order: if the deleted subscription still delivered, offset 2 would come before the marker.
        await PublishAsync(channel, "2");
        await PublishAsync(marker, "\"after\"");
        var next = await client.NextOfTypeAsync("message");
        next.GetProperty("channel").GetString().Should().Be(marker, "nothing of the deleted subscription is delivered");

        using var again = await Http.DeleteAsync($"/api/subscriptions/{id}");
        await again.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        var listed = await Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions?connectionId={Uri.EscapeDataString(client.ConnectionId)}");
        listed.GetProperty("subscriptions").EnumerateArray().Select(s => s.GetProperty("channel").GetString()).Should().Equal(marker);
    }

    [Fact]
    public async Task AClientMadeSubscriptionCanBeDeletedToo()
    {
        await using var client = await fixture.Host.ConnectAsync();
        var channel = TestNames.Channel("client-made");
        await client.SubscribeAsync(channel);
        var listed = await Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions?connectionId={Uri.EscapeDataString(client.ConnectionId)}");
        var id = listed.GetProperty("subscriptions")[0].GetProperty("id").GetString();

        using var deleted = await Http.DeleteAsync($"/api/subscriptions/{id}");
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await client.NextOfTypeAsync("unsubscribed")).GetProperty("channel").GetString().Should().Be(channel);

        // The client may subscribe again on its own: the subscription is really gone.
        (await client.SubscribeAsync(channel)).GetProperty("channel").GetString().Should().Be(channel);
    }

    [Fact]
    public async Task AnUnknownConnectionOrSubscriptionIsNotFound()
    {
        using var subscribe = await SubscribeAsync(new { connectionId = "c-nobody", channel = "news" });
        await subscribe.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        using var list = await Http.GetAsync("/api/subscriptions?connectionId=c-nobody");
        await list.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        using var garbage = await Http.DeleteAsync("/api/subscriptions/not-an-id");
        await garbage.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");

        await using var client = await fixture.Host.ConnectAsync();
        var listed = await Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions?connectionId={Uri.EscapeDataString(client.ConnectionId)}");
        listed.GetProperty("subscriptions").GetArrayLength().Should().Be(0);
        await client.SubscribeAsync(TestNames.Channel());
        var id = (await Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions?connectionId={Uri.EscapeDataString(client.ConnectionId)}"))
            .GetProperty("subscriptions")[0].GetProperty("id").GetString()!;
        await client.DisposeAsync();
        await Eventually.HoldsAsync(
            async () => (await Http.GetAsync($"/api/subscriptions?connectionId={Uri.EscapeDataString(client.ConnectionId)}")).StatusCode,
            status => status == HttpStatusCode.NotFound,
            "the closed connection is gone");
        using var ofClosed = await Http.DeleteAsync($"/api/subscriptions/{id}");
        await ofClosed.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("""{"channel":"news"}""")]
    [InlineData("""{"connectionId":"{connection}"}""")]
    [InlineData("""{"connectionId":"{connection}","channel":"news","pattern":"news.*"}""")]
    [InlineData("""{"connectionId":"{connection}","channel":"bad name"}""")]
    [InlineData("""{"connectionId":"{connection}","channel":"news.*"}""")]
    [InlineData("""{"connectionId":"{connection}","pattern":"news"}""")]
    [InlineData("""{"connectionId":"{connection}","channel":"news","filter":[1]}""")]
    [InlineData("""{"connectionId":"{connection}","channel":"news","filter":{"a":{"b":1}}}""")]
    [InlineData("""{"connectionId":"{connection}","channel":"news","since":{"epoch":"e"}}""")]
    [InlineData("""{"connectionId":"{connection}","channel":"news","since":{"offset":-1}}""")]
    [InlineData("""{"connectionId":"{connection}","pattern":"news.*","since":{"offset":1}}""")]
    [InlineData("""{"connectionId":"{connection}","channel":"news","filters":{"a":1}}""")]
    [InlineData("""{"connectionId":42,"channel":"news"}""")]
    [InlineData("""[{"connectionId":"{connection}","channel":"news"}]""")]
    [InlineData("""{"connectionId":"{connection}",""")]
    public async Task ABadBodyIsABadRequestAndSubscribesNothing(string body)
    {
        await using var client = await fixture.Host.ConnectAsync();
        using var response = await Http.SendJsonAsync("POST", "/api/subscriptions", body.Replace("{connection}", client.ConnectionId, StringComparison.Ordinal));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad_request");

        var listed = await Http.GetFromJsonAsync<JsonElement>($"/api/subscriptions?connectionId={Uri.EscapeDataString(client.ConnectionId)}");
        listed.GetProperty("subscriptions").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task ListingWithoutAConnectionIdIsABadRequest()
    {
        using var response = await Http.GetAsync("/api/subscriptions");
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task SubscribingTwiceToTheSameChannelIsAConflict()
    {
        await using var client = await fixture.Host.ConnectAsync();
        var channel = TestNames.Channel("twice");
        await client.SubscribeAsync(channel);

        using var response = await SubscribeAsync(new { connectionId = client.ConnectionId, channel });
        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "bad_request");
    }

    [Fact]
    public async Task TheSubscriptionLimitCountsServerAndClientSubscriptions()
    {
        await using var client = await fixture.Host.ConnectAsync();
        await client.SubscribeAsync(TestNames.Channel("limit"));
        for (var i = 1; i < Fixture.MaxSubscriptions; i++)
        {
            using var accepted = await SubscribeAsync(new { connectionId = client.ConnectionId, channel = TestNames.Channel("limit") });
            accepted.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        using var refused = await SubscribeAsync(new { connectionId = client.ConnectionId, channel = TestNames.Channel("limit") });
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "limit_exceeded");
        var frame = await client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["channel"] = TestNames.Channel("limit") });
        frame.GetProperty("code").GetString().Should().Be("limit_exceeded", "the server's subscriptions count against the client's limit too");
    }

    [Fact]
    public async Task AServerSubscriptionOfAnSseClientResumesWithLastEventIdFilterIncluded()
    {
        var channel = TestNames.Channel("sse-resume");
        var client = await SseTestClient.ConnectAsync(fixture.Host.BaseUri);
        string? token;
        try
        {
            // A filter spread over lines still reaches the client in one SSE data line.
            var body = $"{{\"connectionId\":\"{client.ConnectionId}\",\"channel\":\"{channel}\",\"filter\":{{\n  \"keep\": true\n}}}}";
            using (var response = await Http.SendJsonAsync("POST", "/api/subscriptions", body))
                await CreatedAsync(response);
            (await client.NextOfTypeAsync("subscribed")).GetProperty("filter").GetProperty("keep").GetBoolean().Should().BeTrue();
            await PublishAsync(channel, """{"keep":true,"n":1}""");
            (await client.MessagesAsync(channel, 1)).Single().GetProperty("offset").GetInt64().Should().Be(1);
            token = client.LastEventId;
        }
        finally
        {
            await client.DisposeAsync();
        }

        await PublishAsync(channel, """{"keep":true,"n":2}""");
        await PublishAsync(channel, """{"keep":false,"n":3}""");
        await PublishAsync(channel, """{"keep":true,"n":4}""");

        await using var resumed = await SseTestClient.ConnectAsync(fixture.Host.BaseUri, lastEventId: token);
        var ack = await resumed.NextOfTypeAsync("ack");
        ack.GetProperty("channel").GetString().Should().Be(channel);
        ack.GetProperty("recovered").GetBoolean().Should().BeTrue();
        await PublishAsync(channel, """{"keep":false,"n":5}""");
        await PublishAsync(channel, """{"keep":true,"n":6}""");
        var messages = await resumed.MessagesAsync(channel, 3);
        messages.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal([2, 4, 6], "the token resumes the subscription after offset 1 with its filter");
    }

    [Fact]
    public async Task AServerSubscriptionOfAPollingClientIsDeliveredThroughItsCursor()
    {
        await using var client = await PollingTestClient.ConnectAsync(fixture.Host.BaseUri, pollSeconds: 1);
        var channel = TestNames.Channel("polling");
        using (var response = await SubscribeAsync(new { connectionId = client.ConnectionId, channel }))
            await CreatedAsync(response);

        (await client.NextOfTypeAsync("subscribed")).GetProperty("channel").GetString().Should().Be(channel);
        await PublishAsync(channel, "7");
        (await client.MessagesAsync(channel, 1)).Single().GetProperty("data").GetInt32().Should().Be(7);
    }

    private async Task<HttpResponseMessage> SubscribeAsync(object body) =>
        await Http.SendJsonAsync("POST", "/api/subscriptions", JsonSerializer.Serialize(body));

    private static async Task<JsonElement> CreatedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Created, text);
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>Publishes over REST; answers the channel's epoch.</summary>
    private async Task<string> PublishAsync(string channel, string data)
    {
        using var response = await Http.SendJsonAsync("POST", $"/api/channels/{channel}/messages", data);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("epoch").GetString()!;
    }
}
