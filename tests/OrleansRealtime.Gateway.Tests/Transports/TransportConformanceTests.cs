using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Transports;

/// <summary>
/// The protocol's semantics, written once and run against every transport (one subclass each): what a client can
/// rely on must not depend on how it is connected. A subclass supplies only how to connect, how to vanish, and how
/// its clients resume after a drop.
/// </summary>
[Trait("Category", "EndToEnd")]
public abstract partial class TransportConformanceTests(TransportFixture fixture)
{
    protected GatewayHost Gateway => fixture.Host;

    /// <summary>The name <c>welcome.transport</c> must carry.</summary>
    protected abstract string TransportName { get; }

    protected abstract Task<RealtimeClient> ConnectAsync(string query = "");

    /// <summary>
    /// Reconnects after the server dropped <paramref name="dropped"/> and resumes <paramref name="channel"/> from the
    /// last message it saw. By default a new connection subscribes with <c>since</c>; SSE resumes by its token.
    /// </summary>
    protected virtual async Task<RealtimeClient> ResumeAsync(RealtimeClient dropped, string channel, JsonElement lastMessage)
    {
        var client = await ConnectAsync();
        var ack = await client.SubscribeAsync(channel, lastMessage.GetProperty("offset").GetInt64(), lastMessage.GetProperty("epoch").GetString());
        ack.GetProperty("recovered").GetBoolean().Should().BeTrue();
        return client;
    }

    [Fact]
    public async Task WelcomeNamesTheTransportTheUserAndTheGateway()
    {
        await using var client = await ConnectAsync("user=conformance");

        client.Welcome.GetProperty("transport").GetString().Should().Be(TransportName);
        client.UserId.Should().Be("conformance");
        client.ConnectionId.Should().StartWith("c-").And.HaveLength(24);
        client.Welcome.GetProperty("gateway").GetString().Should().Be(Gateway.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.GatewayId);
    }

    [Fact]
    public async Task LiveMessagesFollowTheAckInOffsetOrderWithoutGaps()
    {
        var channel = TestNames.Channel();
        await using var publisher = await ConnectAsync("user=pub");
        await using var subscriber = await ConnectAsync();
        await publisher.PublishAsync(channel, "before");

        var ack = await subscriber.SubscribeAsync(channel);
        ack.GetProperty("offset").GetInt64().Should().Be(1, "the ack carries the top offset");

        const int count = 100;
        var epoch = await publisher.PublishNumbersAsync(channel, count);
        var messages = await subscriber.MessagesAsync(channel, count);

        messages.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal(Enumerable.Range(2, count).Select(n => (long)n));
        messages.Select(m => m.GetProperty("data").GetInt32()).Should().Equal(Enumerable.Range(1, count));
        messages.Should().OnlyContain(m => m.GetProperty("epoch").GetString() == epoch && m.GetProperty("from").GetString() == "pub");
    }

    [Fact]
    public async Task SubscribeWithSinceReplaysWhatWasMissedThenGoesLive()
    {
        var channel = TestNames.Channel();
        await using var publisher = await ConnectAsync();
        var epoch = await publisher.PublishNumbersAsync(channel, 10);
        await using var subscriber = await ConnectAsync();

        var ack = await subscriber.SubscribeAsync(channel, sinceOffset: 4, sinceEpoch: epoch);
        ack.GetProperty("recovered").GetBoolean().Should().BeTrue();
        ack.GetProperty("offset").GetInt64().Should().Be(10);
        await publisher.PublishAsync(channel, 11);

        var messages = await subscriber.MessagesAsync(channel, 7);
        messages.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal(5, 6, 7, 8, 9, 10, 11);
    }

    [Fact]
    public async Task AStaleEpochIsNotRecoveredAndNothingIsReplayed()
    {
        var channel = TestNames.Channel();
        await using var client = await ConnectAsync();
        await client.PublishNumbersAsync(channel, 3);

        var ack = await client.SubscribeAsync(channel, sinceOffset: 1, sinceEpoch: "not-the-epoch");
        ack.GetProperty("recovered").GetBoolean().Should().BeFalse();
        await client.PublishAsync(channel, 4);

        var message = (await client.MessagesAsync(channel, 1))[0];
        message.GetProperty("offset").GetInt64().Should().Be(4, "nothing from before the ack is replayed");
    }

    [Fact]
    public async Task HistoryPagesForwardFromSince()
    {
        var channel = TestNames.Channel();
        await using var client = await ConnectAsync();
        var epoch = await client.PublishNumbersAsync(channel, 5);

        var page = RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject
        {
            ["type"] = "history", ["channel"] = channel, ["since"] = new JsonObject { ["offset"] = 1, ["epoch"] = epoch }, ["limit"] = 3,
        }));

        page.GetProperty("offset").GetInt64().Should().Be(5);
        page.GetProperty("more").GetBoolean().Should().BeTrue();
        page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("data").GetInt32()).Should().Equal(2, 3, 4);
    }

    [Fact]
    public async Task UnsubscribeStopsDelivery()
    {
        var (left, kept) = (TestNames.Channel(), TestNames.Channel());
        await using var client = await ConnectAsync();
        await client.SubscribeAsync(left);
        await client.SubscribeAsync(kept);

        RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "unsubscribe", ["channel"] = left }));
        await client.PublishAsync(left, "not delivered");
        await client.PublishAsync(kept, "delivered");

        var next = await client.NextOfTypeAsync("message");
        next.GetProperty("channel").GetString().Should().Be(kept);
    }

    [Fact]
    public async Task PingIsAnsweredWithPong()
    {
        await using var client = await ConnectAsync();

        var answer = await client.RequestAsync(new JsonObject { ["type"] = "ping" });

        answer.GetProperty("type").GetString().Should().Be("pong");
    }

    public static TheoryData<string, string> BadFrames => new()
    {
        { """{"type":"subscribe"}""", "missing field 'channel'" },
        { """{"type":"subscribe","channel":"a b"}""", "invalid channel name" },
        { """{"type":"subscribe","channel":"news","since":"yesterday"}""", "since" },
        { """{"type":"publish","channel":"news"}""", "missing field 'data'" },
        { """{"type":"publish","channel":"news","data":1,"priority":"urgent"}""", "priority" },
        { """{"type":"history","channel":"news","limit":"ten"}""", "limit" },
        { """{"type":"subscribe","channel":42}""", "channel" },
        { """{"type":"subscribe","stream":"a b"}""", "invalid stream name" },
        { """{"type":"subscribe","stream":"metrics.*"}""", "invalid stream name" },
        { """{"type":"subscribe","stream":"analytics","channel":"news"}""", "not several" },
        { """{"type":"unsubscribe","stream":"analytics","pattern":"news.*"}""", "not several" },
        { """{"type":"subscribe","stream":7}""", "'stream' must be a string" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task ABadFrameIsAnsweredWithBadRequestAndTheConnectionStaysUsable(string frame, string mentions)
    {
        await using var client = await ConnectAsync();

        var answer = await client.RequestAsync(JsonNode.Parse(frame)!.AsObject());

        answer.GetProperty("type").GetString().Should().Be("error");
        answer.GetProperty("code").GetString().Should().Be("bad_request");
        answer.GetProperty("message").GetString().Should().Contain(mentions);
        (await client.RequestAsync(new JsonObject { ["type"] = "ping" })).GetProperty("type").GetString().Should().Be("pong");
    }

    [Fact]
    public async Task AClientThatVanishesHasItsSubscriptionsReleased()
    {
        var channel = TestNames.Channel();
        var client = await ConnectAsync();
        await client.SubscribeAsync(channel);
        await SubscribersHereAsync(channel, count => count == 1, "one subscriber on this gateway");

        client.Abort();

        await SubscribersHereAsync(channel, count => count == 0, "no subscriber left on this gateway", TimeSpan.FromSeconds(30));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task AnAdministratorsCloseReachesTheClientWithItsReason()
    {
        await using var client = await ConnectAsync();

        using var response = await Gateway.Http.DeleteAsync($"/api/connections/{client.ConnectionId}");
        response.StatusCode.Should().Be(HttpStatusCode.NoContent);

        var close = await client.NextOfTypeAsync("close");
        close.GetProperty("code").GetString().Should().Be("closed_by_admin");
        await client.EndedAsync();
    }

    [Fact]
    public async Task AfterAServerSideDropTheClientResumesWithoutGapOrDuplicate()
    {
        var channel = TestNames.Channel();
        var client = await ConnectAsync();
        await client.SubscribeAsync(channel);
        await PublishOverRestAsync(channel, 1, 5);
        var seen = await client.MessagesAsync(channel, 5);

        (await Gateway.Http.DeleteAsync($"/api/connections/{client.ConnectionId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await client.EndedAsync();
        await PublishOverRestAsync(channel, 6, 10);

        await using var resumed = await ResumeAsync(client, channel, seen[^1]);
        await client.DisposeAsync();
        await PublishOverRestAsync(channel, 11, 12);

        // Everything up to the last live message, in order: a duplicate or a gap would show in this sequence.
        var after = await resumed.MessagesAsync(channel, 7);
        after.Select(m => m.GetProperty("data").GetInt32()).Should().Equal(6, 7, 8, 9, 10, 11, 12);
    }

    protected async Task PublishOverRestAsync(string channel, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            using var response = await Gateway.Http.PostAsJsonAsync($"/api/channels/{channel}/messages", n);
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task SubscribersHereAsync(string channel, Func<int, bool> condition, string what, TimeSpan? timeout = null)
    {
        var gatewayId = Gateway.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.GatewayId;
        await Eventually.HoldsAsync(
            async () =>
            {
                var info = await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}");
                return info.GetProperty("subscribers").TryGetProperty(gatewayId, out var count) ? count.GetInt32() : 0;
            },
            condition,
            what,
            timeout);
    }
}
