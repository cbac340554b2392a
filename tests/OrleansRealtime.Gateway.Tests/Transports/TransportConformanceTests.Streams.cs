using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Transports;

/// <summary>Live subscriptions to durable streams behave the same on every transport.</summary>
public abstract partial class TransportConformanceTests
{
    /// <summary>
    /// Reconnects after the server dropped <paramref name="dropped"/> and resumes <paramref name="stream"/> from the last
    /// event it saw. By default a new connection subscribes with <c>since</c>; SSE resumes by its token.
    /// </summary>
    protected virtual async Task<RealtimeClient> ResumeStreamAsync(RealtimeClient dropped, string stream, JsonElement lastEvent)
    {
        var client = await ConnectAsync();
        var ack = await SubscribeStreamAsync(client, stream, lastEvent.GetProperty("offset").GetInt64(), lastEvent.GetProperty("epoch").GetString());
        ack.GetProperty("recovered").GetBoolean().Should().BeTrue();
        return client;
    }

    [Fact]
    public async Task AStreamSubscriberGetsEveryLaterEventInOffsetOrder()
    {
        var stream = await CreateStreamAsync();
        await AppendAsync(stream, 1, 2);
        await using var client = await ConnectAsync();

        var ack = await SubscribeStreamAsync(client, stream);
        await AppendAsync(stream, 3, 12);
        await AppendAsync(stream, 13, 32);
        var events = await EventsAsync(client, stream, 30);

        ack.GetProperty("stream").GetString().Should().Be(stream);
        ack.GetProperty("offset").GetInt64().Should().Be(2, "the ack carries the stream's last durable offset");
        ack.TryGetProperty("recovered", out _).Should().BeFalse("recovered answers only a 'since'");
        var epoch = (await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}")).GetProperty("epoch").GetString();
        ack.GetProperty("epoch").GetString().Should().Be(epoch).And.NotBeNullOrEmpty();
        events.Select(e => e.GetProperty("offset").GetInt64()).Should().Equal(Enumerable.Range(3, 30).Select(n => (long)n));
        events.Select(e => e.GetProperty("data").GetInt32()).Should().Equal(Enumerable.Range(3, 30));
        events.Should().OnlyContain(e => e.GetProperty("event").GetString() == "tick" && e.GetProperty("epoch").GetString() == epoch
            && e.GetProperty("ts").GetString()!.EndsWith('Z'));
    }

    [Fact]
    public async Task AStreamSubscribeWithSinceReplaysFromTheStoreThenGoesLive()
    {
        var stream = await CreateStreamAsync();
        await AppendAsync(stream, 1, 10);
        await using var client = await ConnectAsync();
        var epoch = (await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}")).GetProperty("epoch").GetString();

        var ack = await SubscribeStreamAsync(client, stream, sinceOffset: 4, sinceEpoch: epoch);
        await AppendAsync(stream, 11, 11);

        ack.GetProperty("recovered").GetBoolean().Should().BeTrue();
        ack.GetProperty("offset").GetInt64().Should().Be(10);
        (await EventsAsync(client, stream, 7)).Select(e => e.GetProperty("offset").GetInt64()).Should().Equal(5, 6, 7, 8, 9, 10, 11);
    }

    [Fact]
    public async Task ASinceFromAStreamDeletedAndCreatedAgainIsNotRecovered()
    {
        var stream = await CreateStreamAsync();
        await AppendAsync(stream, 1, 3);
        var old = (await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}")).GetProperty("epoch").GetString();
        (await Gateway.Http.DeleteAsync($"/api/streams/{stream}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await CreateStreamAsync(stream);
        await AppendAsync(stream, 1, 5);
        await using var client = await ConnectAsync();

        var ack = await SubscribeStreamAsync(client, stream, sinceOffset: 2, sinceEpoch: old);
        await AppendAsync(stream, 6, 6);

        ack.GetProperty("recovered").GetBoolean().Should().BeFalse();
        ack.GetProperty("epoch").GetString().Should().NotBe(old, "the ack names the new incarnation");
        ack.GetProperty("offset").GetInt64().Should().Be(5);
        (await EventsAsync(client, stream, 1))[0].GetProperty("offset").GetInt64().Should().Be(6, "nothing from before the ack is replayed");
    }

    [Fact]
    public async Task AStreamCreatedAgainIsFollowedInItsNewIncarnation()
    {
        var stream = await CreateStreamAsync();
        await AppendAsync(stream, 1, 3);
        await using var early = await ConnectAsync();
        var old = (await SubscribeStreamAsync(early, stream)).GetProperty("epoch").GetString();
        (await Gateway.Http.DeleteAsync($"/api/streams/{stream}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await CreateStreamAsync(stream);
        var renewed = (await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/streams/{stream}")).GetProperty("epoch").GetString();
        await using var late = await ConnectAsync();

        var ack = await SubscribeStreamAsync(late, stream);
        await AppendAsync(stream, 1, 2);

        ack.GetProperty("epoch").GetString().Should().Be(renewed, "this gateway's feed of the old incarnation must not answer for the new one");
        ack.GetProperty("offset").GetInt64().Should().Be(0);
        foreach (var client in new[] { early, late })
        {
            var events = await EventsAsync(client, stream, 2);
            events.Select(e => e.GetProperty("offset").GetInt64()).Should().Equal(1, 2);
            events.Should().OnlyContain(e => e.GetProperty("epoch").GetString() == renewed && renewed != old);
        }
    }

    [Fact]
    public async Task AfterAServerSideDropAStreamSubscriberResumesWithoutGapOrDuplicate()
    {
        var stream = await CreateStreamAsync();
        var client = await ConnectAsync();
        await SubscribeStreamAsync(client, stream);
        await AppendAsync(stream, 1, 5);
        var seen = await EventsAsync(client, stream, 5);

        (await Gateway.Http.DeleteAsync($"/api/connections/{client.ConnectionId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await client.EndedAsync();
        await AppendAsync(stream, 6, 10);

        await using var resumed = await ResumeStreamAsync(client, stream, seen[^1]);
        await client.DisposeAsync();
        await AppendAsync(stream, 11, 12);

        // Everything up to the last live event, in order: a duplicate or a gap at the seam would show here.
        var after = await EventsAsync(resumed, stream, 7);
        after.Select(e => e.GetProperty("data").GetInt32()).Should().Equal(6, 7, 8, 9, 10, 11, 12);
    }

    [Fact]
    public async Task UnsubscribingFromAStreamStopsItsEvents()
    {
        var (left, kept) = (await CreateStreamAsync(), await CreateStreamAsync());
        await using var client = await ConnectAsync();
        await SubscribeStreamAsync(client, left);
        await SubscribeStreamAsync(client, kept);

        var ack = RealtimeClient.ExpectAck(await client.RequestAsync(new JsonObject { ["type"] = "unsubscribe", ["stream"] = left }));
        await AppendAsync(left, 1, 1);
        await AppendAsync(kept, 1, 1);

        ack.GetProperty("stream").GetString().Should().Be(left);
        (await client.NextOfTypeAsync("event")).GetProperty("stream").GetString().Should().Be(kept);
    }

    [Fact]
    public async Task SubscribingToAStreamThatDoesNotExistIsNotFound()
    {
        await using var client = await ConnectAsync();

        var answer = await client.RequestAsync(new JsonObject { ["type"] = "subscribe", ["stream"] = TestNames.Channel("missing") });

        answer.GetProperty("type").GetString().Should().Be("error");
        answer.GetProperty("code").GetString().Should().Be("not_found");
        (await client.RequestAsync(new JsonObject { ["type"] = "ping" })).GetProperty("type").GetString().Should().Be("pong");
    }

    /// <summary>Creates a stream that writes every append at once.</summary>
    protected async Task<string> CreateStreamAsync(string? name = null)
    {
        var stream = name ?? TestNames.Channel("stream");
        using var response = await Gateway.Http.PostAsJsonAsync("/api/streams", new { name = stream, type = "event", flushIntervalMs = 0 });
        response.EnsureSuccessStatusCode();
        return stream;
    }

    /// <summary>Appends the numbers <paramref name="from"/>..<paramref name="to"/> as <c>tick</c> events, in one request.</summary>
    protected async Task AppendAsync(string stream, int from, int to)
    {
        var events = Enumerable.Range(from, to - from + 1).Select(n => new { @event = "tick", data = n }).ToArray();
        using var response = await Gateway.Http.PostAsJsonAsync($"/api/streams/{stream}/events", events);
        response.EnsureSuccessStatusCode();
    }

    protected static async Task<JsonElement> SubscribeStreamAsync(RealtimeClient client, string stream, long? sinceOffset = null, string? sinceEpoch = null)
    {
        var frame = new JsonObject { ["type"] = "subscribe", ["stream"] = stream };
        if (sinceOffset is { } offset)
            frame["since"] = new JsonObject { ["offset"] = offset, ["epoch"] = sinceEpoch };
        return RealtimeClient.ExpectAck(await client.RequestAsync(frame));
    }

    /// <summary>The next <paramref name="count"/> <c>event</c> frames of a stream, in arrival order.</summary>
    protected static async Task<List<JsonElement>> EventsAsync(RealtimeClient client, string stream, int count)
    {
        var events = new List<JsonElement>(count);
        while (events.Count < count)
        {
            events.Add(await client.NextAsync(
                f => f.GetProperty("type").GetString() == "event" && f.GetProperty("stream").GetString() == stream,
                $"event {events.Count + 1} of {count} on stream '{stream}'"));
        }

        return events;
    }
}
