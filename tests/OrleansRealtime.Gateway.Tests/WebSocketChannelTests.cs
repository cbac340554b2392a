using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

[Trait("Category", "EndToEnd")]
public sealed class WebSocketChannelTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayHost Gateway => fixture.Host;

    [Fact]
    public async Task WelcomeDescribesTheConnection()
    {
        await using var client = await Gateway.ConnectAsync("user=alice");

        client.Welcome.GetProperty("transport").GetString().Should().Be("websocket");
        client.UserId.Should().Be("alice");
        client.ConnectionId.Should().StartWith("c-").And.HaveLength(24, "128 random bits in base64url after the prefix");
        client.Welcome.GetProperty("gateway").GetString().Should().NotBeNullOrEmpty();
        client.Welcome.GetProperty("heartbeat").GetInt32().Should().Be(25);
    }

    [Fact]
    public async Task AnonymousClientsWithoutANameGetDistinctRandomUserIds()
    {
        await using var first = await Gateway.ConnectAsync();
        await using var second = await Gateway.ConnectAsync();

        first.UserId.Should().StartWith("anon-");
        second.UserId.Should().NotBe(first.UserId);
        second.ConnectionId.Should().NotBe(first.ConnectionId);
    }

    [Fact]
    public async Task SubscribeAcksTheTopOffsetAndLiveMessagesFollowIt()
    {
        var channel = TestNames.Channel();
        await using var publisher = await Gateway.ConnectAsync("user=pub");
        await using var subscriber = await Gateway.ConnectAsync();

        var first = await publisher.PublishAsync(channel, new JsonObject { ["n"] = 1 });
        first.GetProperty("offset").GetInt64().Should().Be(1);
        var epoch = first.GetProperty("epoch").GetString();

        var ack = await subscriber.SubscribeAsync(channel);
        ack.GetProperty("channel").GetString().Should().Be(channel);
        ack.GetProperty("offset").GetInt64().Should().Be(1, "the top offset when subscribing");
        ack.GetProperty("epoch").GetString().Should().Be(epoch);
        ack.TryGetProperty("recovered", out _).Should().BeFalse("recovered is only answered when since was given");

        var second = await publisher.PublishAsync(channel, new JsonObject { ["n"] = 2 }, priority: "high");
        second.GetProperty("offset").GetInt64().Should().Be(2);

        var message = (await subscriber.MessagesAsync(channel, 1))[0];
        message.GetProperty("offset").GetInt64().Should().Be(2);
        message.GetProperty("epoch").GetString().Should().Be(epoch);
        message.GetProperty("data").GetProperty("n").GetInt32().Should().Be(2);
        message.GetProperty("from").GetString().Should().Be("pub");
        message.GetProperty("priority").GetString().Should().Be("high");
        DateTimeOffset.Parse(message.GetProperty("ts").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task ConcurrentPublishersReachEverySubscriberInTheSameGapFreeOrder()
    {
        const int publishers = 4;
        const int perPublisher = 250;
        var channel = TestNames.Channel();
        var subscribers = new List<RealtimeTestClient>();
        for (var i = 0; i < 3; i++)
        {
            var subscriber = await Gateway.ConnectAsync();
            await subscriber.SubscribeAsync(channel);
            subscribers.Add(subscriber);
        }

        var acked = new ConcurrentDictionary<long, (int Publisher, int Sequence)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, publishers), async (p, _) =>
        {
            await using var publisher = await Gateway.ConnectAsync($"user=p{p}");
            for (var n = 0; n < perPublisher; n++)
            {
                var ack = await publisher.PublishAsync(channel, new JsonObject { ["p"] = p, ["n"] = n });
                acked[ack.GetProperty("offset").GetInt64()] = (p, n);
            }
        });

        acked.Keys.Order().Should().Equal(Enumerable.Range(1, publishers * perPublisher).Select(i => (long)i), "one writer assigns offsets without gaps");
        List<long>? reference = null;
        foreach (var subscriber in subscribers)
        {
            var messages = await subscriber.MessagesAsync(channel, publishers * perPublisher);
            var offsets = messages.Select(m => m.GetProperty("offset").GetInt64()).ToList();
            offsets.Should().Equal(Enumerable.Range(1, publishers * perPublisher).Select(i => (long)i), "in offset order, no gap, no duplicate");
            foreach (var message in messages)
            {
                var data = message.GetProperty("data");
                acked[message.GetProperty("offset").GetInt64()].Should().Be((data.GetProperty("p").GetInt32(), data.GetProperty("n").GetInt32()));
            }

            for (var p = 0; p < publishers; p++)
            {
                var sequence = messages.Where(m => m.GetProperty("data").GetProperty("p").GetInt32() == p).Select(m => m.GetProperty("data").GetProperty("n").GetInt32());
                sequence.Should().BeInAscendingOrder("each publisher's messages keep the order it sent them in");
            }

            reference ??= offsets;
            offsets.Should().Equal(reference);
            await subscriber.DisposeAsync();
        }
    }

    [Fact]
    public async Task RecoveryReplaysExactlyWhatWasMissedWhilePublishersKeepPublishing()
    {
        const int total = 600;
        var channel = TestNames.Channel();
        await using var watcher = await Gateway.ConnectAsync();
        await watcher.SubscribeAsync(channel);

        var subscriber = await Gateway.ConnectAsync();
        var ack = await subscriber.SubscribeAsync(channel);
        var epoch = ack.GetProperty("epoch").GetString();

        var halfway = new TaskCompletionSource();
        var publishing = Task.Run(async () =>
        {
            await using var publisher = await Gateway.ConnectAsync();
            for (var n = 1; n <= total; n++)
            {
                await publisher.PublishAsync(channel, new JsonObject { ["n"] = n });
                if (n == total / 3)
                    halfway.TrySetResult();
            }
        });

        // Take some messages, vanish, and come back while the publisher is still going.
        var seen = await subscriber.MessagesAsync(channel, 50);
        var last = seen[^1].GetProperty("offset").GetInt64();
        subscriber.Abort();
        await subscriber.DisposeAsync();
        await halfway.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await using var resumed = await Gateway.ConnectAsync();
        var resumeAck = await resumed.SubscribeAsync(channel, sinceOffset: last, sinceEpoch: epoch);
        resumeAck.GetProperty("recovered").GetBoolean().Should().BeTrue();
        resumeAck.GetProperty("epoch").GetString().Should().Be(epoch);

        await publishing.WaitAsync(TimeSpan.FromSeconds(60));
        var recovered = await resumed.MessagesAsync(channel, total - (int)last);
        recovered.Select(m => m.GetProperty("offset").GetInt64()).Should()
            .Equal(Enumerable.Range((int)last + 1, total - (int)last).Select(i => (long)i), "replay then live, no gap and no duplicate at the seam");
        recovered.Select(m => m.GetProperty("data").GetProperty("n").GetInt32()).Should().Equal(Enumerable.Range((int)last + 1, total - (int)last));

        // The watcher that never left saw the same sequence.
        var all = await watcher.MessagesAsync(channel, total);
        all.Select(m => m.GetProperty("offset").GetInt64()).Should().Equal(Enumerable.Range(1, total).Select(i => (long)i));
    }

    [Fact]
    public async Task RecoveryFromAStaleEpochAnswersRecoveredFalseAndReplaysNothing()
    {
        var channel = TestNames.Channel();
        await using var publisher = await Gateway.ConnectAsync();
        await publisher.PublishNumbersAsync(channel, 3);

        await using var subscriber = await Gateway.ConnectAsync();
        var ack = await subscriber.SubscribeAsync(channel, sinceOffset: 1, sinceEpoch: "not-the-epoch");

        ack.GetProperty("recovered").GetBoolean().Should().BeFalse();
        ack.GetProperty("offset").GetInt64().Should().Be(3);
        await publisher.PublishAsync(channel, 4);
        var next = (await subscriber.MessagesAsync(channel, 1))[0];
        next.GetProperty("offset").GetInt64().Should().Be(4, "nothing was replayed: the first message is the next live one");
    }

    [Fact]
    public async Task RecoveryFromTheTopIsRecoveredWithNothingToReplay()
    {
        var channel = TestNames.Channel();
        await using var publisher = await Gateway.ConnectAsync();
        var ack1 = await publisher.PublishAsync(channel, "a");
        var epoch = ack1.GetProperty("epoch").GetString();

        await using var subscriber = await Gateway.ConnectAsync();
        var ack = await subscriber.SubscribeAsync(channel, sinceOffset: 1, sinceEpoch: epoch);
        ack.GetProperty("recovered").GetBoolean().Should().BeTrue();

        await publisher.PublishAsync(channel, "b");
        var next = (await subscriber.MessagesAsync(channel, 1))[0];
        next.GetProperty("offset").GetInt64().Should().Be(2);
        next.GetProperty("data").GetString().Should().Be("b");
    }

    [Fact]
    public async Task HistoryPagesForwardOldestFirst()
    {
        var channel = TestNames.Channel();
        await using var client = await Gateway.ConnectAsync();
        await client.PublishNumbersAsync(channel, 25);

        var first = TestClientAck(await client.RequestAsync(new JsonObject { ["type"] = "history", ["channel"] = channel, ["limit"] = 10 }));
        first.GetProperty("offset").GetInt64().Should().Be(25);
        first.GetProperty("more").GetBoolean().Should().BeTrue();
        Offsets(first).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
        var epoch = first.GetProperty("epoch").GetString();

        var second = TestClientAck(await client.RequestAsync(new JsonObject
        {
            ["type"] = "history", ["channel"] = channel, ["limit"] = 10, ["since"] = new JsonObject { ["offset"] = 20, ["epoch"] = epoch },
        }));
        Offsets(second).Should().Equal(21, 22, 23, 24, 25);
        second.GetProperty("more").GetBoolean().Should().BeFalse();
        second.GetProperty("messages")[0].GetProperty("type").GetString().Should().Be("message");
        second.GetProperty("messages")[0].GetProperty("data").GetInt32().Should().Be(21);

        var all = TestClientAck(await client.RequestAsync(new JsonObject { ["type"] = "history", ["channel"] = channel }));
        Offsets(all).Should().HaveCount(25, "the default limit (100) covers the whole history");
    }

    [Fact]
    public async Task AGatewayHoldsOneFeedPerChannelWhateverTheNumberOfSubscribers()
    {
        var channel = TestNames.Channel();
        var feeds = Gateway.GetRequiredService<ChannelFeedRegistry>();
        var clients = new List<RealtimeTestClient>();
        for (var i = 0; i < 20; i++)
        {
            var client = await Gateway.ConnectAsync();
            await client.SubscribeAsync(channel);
            clients.Add(client);
        }

        feeds.Snapshot().Count(f => f.Channel == channel).Should().Be(1);
        feeds.Snapshot().Single(f => f.Channel == channel).SubscriberCount.Should().Be(20);
        var info = await Eventually.HoldsAsync(
            () => Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}"),
            i => i.GetProperty("subscribers").EnumerateObject().Sum(p => p.Value.GetInt32()) == 20,
            "the channel reports 20 subscribers");
        info.GetProperty("subscribers").EnumerateObject().Should().ContainSingle("one gateway holds them all");

        foreach (var client in clients.Take(19))
        {
            TestClientAck(await client.RequestAsync(new JsonObject { ["type"] = "unsubscribe", ["channel"] = channel }));
            await client.DisposeAsync();
        }

        feeds.Snapshot().Single(f => f.Channel == channel).SubscriberCount.Should().Be(1);
        await clients[^1].DisposeAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(feeds.Snapshot().Any(f => f.Channel == channel)), any => !any, "the feed is dropped with its last subscriber");
        await Eventually.HoldsAsync(
            () => Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/channels/{channel}"),
            i => !i.GetProperty("subscribers").EnumerateObject().Any(),
            "the channel reports no subscribers once they all left");
    }

    [Fact]
    public async Task UnsubscribedClientsCanSubscribeAgainAndDoubleSubscribeIsRefused()
    {
        var channel = TestNames.Channel();
        await using var client = await Gateway.ConnectAsync();
        await client.SubscribeAsync(channel);

        var again = await client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["channel"] = channel });
        again.GetProperty("type").GetString().Should().Be("error");
        again.GetProperty("code").GetString().Should().Be("bad_request");

        TestClientAck(await client.RequestAsync(new JsonObject { ["type"] = "unsubscribe", ["channel"] = channel }));
        await client.SubscribeAsync(channel);
        await client.PublishAsync(channel, "after");
        (await client.MessagesAsync(channel, 1))[0].GetProperty("data").GetString().Should().Be("after");
    }

    [Fact]
    public async Task FramesWithoutAnIdSucceedSilently()
    {
        var channel = TestNames.Channel();
        await using var client = await Gateway.ConnectAsync();
        await client.SendAsync(new { type = "subscribe", channel });
        await client.SendAsync(new { type = "publish", channel, data = "fire and forget" });

        // The first frame back is the message itself: neither the subscribe nor the publish was acked.
        var first = await client.NextAsync();
        first.GetProperty("type").GetString().Should().Be("message");
        first.GetProperty("data").GetString().Should().Be("fire and forget");

        await client.SendAsync(new { type = "unsubscribe", channel });
        await client.SendAsync(new { id = 99, type = "ping" });
        var next = await client.NextAsync();
        next.GetProperty("type").GetString().Should().Be("pong", "no ack for the id-less unsubscribe comes before it");
        next.GetProperty("id").GetInt32().Should().Be(99);
    }

    [Fact]
    public async Task PingIsAnsweredWithPongCarryingTheId()
    {
        await using var client = await Gateway.ConnectAsync();
        var pong = await client.RequestAsync(new JsonObject { ["type"] = "ping" });
        pong.GetProperty("type").GetString().Should().Be("pong");
    }

    [Fact]
    public async Task BatchModeSendsJsonArraysOfFrames()
    {
        var channel = TestNames.Channel();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(Gateway.WebSocketUri("batch=true"), CancellationToken.None);
        var buffer = new byte[64 * 1024];
        var welcome = await socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        using var document = JsonDocument.Parse(buffer.AsMemory(0, welcome.Count));
        document.RootElement.ValueKind.Should().Be(JsonValueKind.Array);
        document.RootElement[0].GetProperty("type").GetString().Should().Be("welcome");
    }

    private static JsonElement TestClientAck(JsonElement answer) => RealtimeTestClient.ExpectAck(answer);

    private static List<long> Offsets(JsonElement historyAck) =>
        historyAck.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("offset").GetInt64()).ToList();
}
