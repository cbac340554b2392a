using System.Net;
using System.Text;
using System.Text.Json;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Transports;

/// <summary>
/// Conformance for transports whose clients send frames as raw text (WebSocket, SSE and polling POSTs): input no
/// official SignalR client can produce — malformed JSON, unknown types, batches — is answered the same way on each.
/// </summary>
public abstract class RawFrameConformanceTests(TransportFixture fixture) : TransportConformanceTests(fixture)
{
    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2")]
    [InlineData("\"just a string\"")]
    public async Task MalformedInputIsAnsweredWithAnErrorWithoutIdAndTheConnectionStaysUsable(string text)
    {
        await using var client = await ConnectAsync();

        await client.SendTextAsync(text);

        var error = await client.NextOfTypeAsync("error");
        error.GetProperty("code").GetString().Should().Be("bad_request");
        error.TryGetProperty("id", out _).Should().BeFalse("malformed JSON cannot echo an id");
        (await client.RequestAsync(new() { ["type"] = "ping" })).GetProperty("type").GetString().Should().Be("pong");
    }

    [Fact]
    public async Task AnUnknownFrameTypeIsBadRequest()
    {
        await using var client = await ConnectAsync();

        var answer = await client.RequestAsync(new() { ["type"] = "teleport" });

        answer.GetProperty("code").GetString().Should().Be("bad_request");
        answer.GetProperty("message").GetString().Should().Contain("teleport");
    }

    [Fact]
    public async Task ABatchOfFramesIsHandledInOrderAndEveryFrameAnswered()
    {
        var channel = Infrastructure.TestNames.Channel();
        await using var client = await ConnectAsync();

        await client.SendTextAsync($$"""[{"id":"a","type":"subscribe","channel":"{{channel}}"},{"id":"b","type":"publish","channel":"{{channel}}","data":1},{"id":"c","type":"bogus"}]""");

        // A publish is answered when its channel grain is, without holding up the frames after it: match by id.
        var answers = new[] { await client.NextAsync(IsAnswer, "answer 1"), await client.NextAsync(IsAnswer, "answer 2"), await client.NextAsync(IsAnswer, "answer 3") }
            .ToDictionary(a => a.GetProperty("id").GetString()!, a => a.GetProperty("type").GetString());
        answers.Should().Equal(new Dictionary<string, string?> { ["a"] = "ack", ["b"] = "ack", ["c"] = "error" });
        (await client.MessagesAsync(channel, 1))[0].GetProperty("data").GetInt32().Should().Be(1, "the subscribe was handled before the publish");

        static bool IsAnswer(JsonElement frame) => frame.TryGetProperty("id", out _);
    }
}

/// <summary>Conformance for the transports whose client frames arrive by HTTP POST (SSE and long polling).</summary>
public abstract class HttpPostConformanceTests(TransportFixture fixture) : RawFrameConformanceTests(fixture)
{
    protected abstract Task<HttpResponseMessage> PostRawAsync(RealtimeClient client, byte[] body);

    protected abstract string PostPath(string connectionId);

    [Fact]
    public async Task FramesPostedForAnUnknownConnectionAreNotFound()
    {
        using var response = await Gateway.Http.PostAsync(PostPath("c-unknown"), new StringContent("""{"type":"ping"}""", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("not_found");
    }

    [Fact]
    public async Task AnOversizedPostIsRefusedWithTooLargeAndTheConnectionStaysUsable()
    {
        await using var client = await ConnectAsync();
        using var response = await PostRawAsync(client, new byte[8192]);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().Should().Be("too_large");
        (await client.RequestAsync(new() { ["type"] = "ping" })).GetProperty("type").GetString().Should().Be("pong");
    }
}
