using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansRealtime.Gateway.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests;

/// <summary>Every durable stream and consumer group route of the admin API, on the real embedded gateway.</summary>
[Trait("Category", "EndToEnd")]
public sealed class StreamRestTests(StreamRestTests.Fixture fixture) : IClassFixture<StreamRestTests.Fixture>
{
    private const int AckTimeoutMs = 300;
    private const int MaxBatch = 20;

    public sealed class Fixture : GatewayFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Realtime:Limits:MaxFrameBytes"] = "4096",
            ["Realtime:Streams:AckTimeoutMs"] = $"{AckTimeoutMs}",
            ["Realtime:Streams:MaxBatch"] = $"{MaxBatch}",
            ["Realtime:Streams:BufferSize"] = "64",
            ["Realtime:Streams:FlushIntervalMs"] = "5",
        };
    }

    private HttpClient Http => fixture.Host.Http;

    [Fact]
    public async Task CreateAnswers201WithTheStreamThen200ForTheSameSettingsAnd409ForOthers()
    {
        var id = TestNames.Channel("stream");
        var body = $$$"""{"name":"{{{id}}}","type":"metrics","bufferSize":50,"flushIntervalMs":20,"retention":{"maxEvents":1000,"maxAgeSeconds":3600}}""";

        using var created = await PostJsonAsync("/api/streams", body);
        using var again = await PostJsonAsync("/api/streams", body);
        using var other = await PostJsonAsync("/api/streams", body.Replace("metrics", "log", StringComparison.Ordinal));

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.Location!.ToString().Should().Be($"/api/streams/{id}");
        var stream = await created.Content.ReadFromJsonAsync<JsonElement>();
        stream.GetProperty("id").GetString().Should().Be(id);
        stream.GetProperty("type").GetString().Should().Be("metrics");
        stream.GetProperty("bufferSize").GetInt32().Should().Be(50);
        stream.GetProperty("flushIntervalMs").GetInt32().Should().Be(20);
        stream.GetProperty("retention").GetProperty("maxEvents").GetInt64().Should().Be(1000);
        stream.GetProperty("retention").GetProperty("maxAgeSeconds").GetInt64().Should().Be(3600);
        stream.GetProperty("lastOffset").GetInt64().Should().Be(0);
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().Should().Be("metrics");
        await other.ShouldBeProblemAsync(HttpStatusCode.Conflict, "bad_request");
    }

    [Fact]
    public async Task OmittedSettingsTakeTheConfiguredDefaults()
    {
        var id = TestNames.Channel("stream");

        using var created = await PostJsonAsync("/api/streams", $$$"""{"name":"{{{id}}}","type":"event","retention":{"maxAgeSeconds":60}}""");

        var stream = await created.Content.ReadFromJsonAsync<JsonElement>();
        stream.GetProperty("bufferSize").GetInt32().Should().Be(64);
        stream.GetProperty("flushIntervalMs").GetInt32().Should().Be(5);
        stream.GetProperty("retention").GetProperty("maxEvents").GetInt64().Should().Be(100_000);
        stream.GetProperty("retention").GetProperty("maxAgeSeconds").GetInt64().Should().Be(60);
    }

    [Fact]
    public async Task ListShowsTheStreamsWithTheirSettings()
    {
        var (a, b) = (TestNames.Channel("list"), TestNames.Channel("list"));
        await CreateAsync(a, "video");
        await CreateAsync(b, "audio");

        var list = await Http.GetFromJsonAsync<JsonElement>("/api/streams");

        var listed = list.GetProperty("streams").EnumerateArray()
            .Where(s => s.GetProperty("id").GetString() is { } id && (id == a || id == b))
            .Select(s => (s.GetProperty("id").GetString(), s.GetProperty("type").GetString()))
            .ToList();
        listed.Should().BeEquivalentTo([(a, "video"), (b, "audio")]);
    }

    [Fact]
    public async Task AppendAnswersOffsetsAndReadAnswersEventsFromAnInclusiveOffset()
    {
        var id = await CreateAsync();

        var one = await AppendAsync(id, """{"event":"user.signup","data":{"id":1}}""");
        var batch = await AppendAsync(id, """[{"event":"click","data":[1,2]},{"event":"click","data":"x"},{"event":"view","data":null}]""");
        var page = await Http.GetFromJsonAsync<JsonElement>($"/api/streams/{id}/events?from=2&limit=2");
        var rest = await Http.GetFromJsonAsync<JsonElement>($"/api/streams/{id}/events?from={page.GetProperty("next").GetInt64()}");

        one.Should().Equal(1);
        batch.Should().Equal(2, 3, 4);
        page.GetProperty("stream").GetString().Should().Be(id);
        var events = page.GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("offset").GetInt64()).Should().Equal(2, 3);
        events[0].GetProperty("event").GetString().Should().Be("click");
        events[0].GetProperty("data").GetRawText().Should().Be("[1,2]");
        events[1].GetProperty("data").GetString().Should().Be("x");
        DateTimeOffset.Parse(events[0].GetProperty("ts").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        events[0].GetProperty("ts").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        page.GetProperty("more").GetBoolean().Should().BeTrue();
        page.GetProperty("next").GetInt64().Should().Be(4);
        page.GetProperty("lastOffset").GetInt64().Should().Be(4);
        rest.GetProperty("events").EnumerateArray().Single().GetProperty("data").ValueKind.Should().Be(JsonValueKind.Null);
        rest.GetProperty("more").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task ConcurrentAppendsGetDistinctGapFreeOffsets()
    {
        var id = await CreateAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => AppendAsync(id, $$"""{"event":"e","data":{{i}}}""")));

        answers.SelectMany(a => a).Order().Should().Equal(Enumerable.Range(1, 30).Select(i => (long)i));
    }

    [Fact]
    public async Task StreamStateShowsLengthOffsetsAndGroups()
    {
        var id = await CreateAsync();
        await AppendAsync(id, """[{"event":"a","data":1},{"event":"b","data":2},{"event":"c","data":3}]""");
        await ReadGroupAsync(id, "workers", """{"consumer":"w1","count":2}""");

        var stream = await Http.GetFromJsonAsync<JsonElement>($"/api/streams/{id}");

        stream.GetProperty("length").GetInt64().Should().Be(3);
        stream.GetProperty("firstOffset").GetInt64().Should().Be(1);
        stream.GetProperty("lastOffset").GetInt64().Should().Be(3);
        stream.GetProperty("buffered").GetInt32().Should().Be(0);
        var group = stream.GetProperty("groups").EnumerateArray().Single();
        group.GetProperty("name").GetString().Should().Be("workers");
        group.GetProperty("lastDeliveredOffset").GetInt64().Should().Be(2);
        group.GetProperty("pending").GetInt64().Should().Be(2);
        group.GetProperty("consumers").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task DeleteAnswers204AndTheStreamIsGone()
    {
        var id = await CreateAsync();
        await AppendAsync(id, """{"event":"a","data":1}""");

        using var deleted = await Http.DeleteAsync($"/api/streams/{id}");
        using var again = await Http.DeleteAsync($"/api/streams/{id}");
        using var read = await Http.GetAsync($"/api/streams/{id}/events");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await again.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
        await read.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task TheEpochNamesTheIncarnationAndChangesWhenTheStreamIsCreatedAgain()
    {
        var id = await CreateAsync();
        var first = (await Http.GetFromJsonAsync<JsonElement>($"/api/streams/{id}")).GetProperty("epoch").GetString();
        await AppendAsync(id, """{"event":"a","data":1}""");
        var unchanged = (await Http.GetFromJsonAsync<JsonElement>($"/api/streams/{id}")).GetProperty("epoch").GetString();

        (await Http.DeleteAsync($"/api/streams/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var recreated = await PostJsonAsync("/api/streams", $$"""{"name":"{{id}}","type":"event","flushIntervalMs":0}""");
        var second = (await recreated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("epoch").GetString();

        first.Should().NotBeNullOrEmpty();
        unchanged.Should().Be(first, "appends do not change a stream's epoch");
        second.Should().NotBeNullOrEmpty().And.NotBe(first, "a stream created again under the same name is another incarnation");
        (await Http.GetFromJsonAsync<JsonElement>($"/api/streams/{id}")).GetProperty("epoch").GetString().Should().Be(second);
    }

    [Fact]
    public async Task AGroupHandsEachEventToOneConsumerAndRedeliversUnacknowledgedOnesAfterTheAckTimeout()
    {
        var id = await CreateAsync();
        await AppendAsync(id, """[{"event":"job","data":1},{"event":"job","data":2},{"event":"job","data":3}]""");

        var first = await ReadGroupAsync(id, "workers", """{"consumer":"w1","count":2}""");
        var second = await ReadGroupAsync(id, "workers", """{"consumer":"w2","count":5}""");
        using var ack = await PostJsonAsync($"/api/streams/{id}/groups/workers/ack", """{"consumer":"w1","offsets":[1,2]}""");

        first.Select(e => (e.GetProperty("offset").GetInt64(), e.GetProperty("deliveryCount").GetInt32())).Should().Equal((1, 1), (2, 1));
        first[0].GetProperty("data").GetInt32().Should().Be(1);
        first[0].GetProperty("event").GetString().Should().Be("job");
        second.Select(e => e.GetProperty("offset").GetInt64()).Should().Equal(3);
        (await ack.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acked").GetInt32().Should().Be(2);

        // w2 never acknowledges offset 3: after Realtime:Streams:AckTimeoutMs it goes to the next reader.
        var redelivered = await Eventually.HoldsAsync(
            () => ReadGroupAsync(id, "workers", """{"consumer":"w1","count":5}"""),
            events => events.Count > 0,
            "offset 3 to be redelivered after the ack time-out");
        redelivered.Select(e => (e.GetProperty("offset").GetInt64(), e.GetProperty("deliveryCount").GetInt32())).Should().Equal((3, 2));

        var group = await Http.GetFromJsonAsync<JsonElement>($"/api/streams/{id}/groups/workers");
        group.GetProperty("stream").GetString().Should().Be(id);
        group.GetProperty("group").GetString().Should().Be("workers");
        group.GetProperty("lastDeliveredOffset").GetInt64().Should().Be(3);
        group.GetProperty("pendingCount").GetInt64().Should().Be(1);
        var pending = group.GetProperty("pending").EnumerateArray().Single();
        pending.GetProperty("offset").GetInt64().Should().Be(3);
        pending.GetProperty("consumer").GetString().Should().Be("w1");
        pending.GetProperty("deliveryCount").GetInt32().Should().Be(2);
        pending.GetProperty("idleMs").GetInt64().Should().BeInRange(0, 30_000);
    }

    [Fact]
    public async Task ABlockingGroupReadWaitsForAnAppendedEvent()
    {
        var id = await CreateAsync();
        await ReadGroupAsync(id, "workers", """{"consumer":"w1"}""");

        var read = ReadGroupAsync(id, "workers", """{"consumer":"w1","blockMs":20000}""");
        await AppendAsync(id, """{"event":"wake","data":true}""");

        var events = await read.WithTimeout(TimeSpan.FromSeconds(15), "the blocked read to answer the appended event");
        events.Single().GetProperty("event").GetString().Should().Be("wake");
    }

    [Fact]
    public async Task ABlockingGroupReadWithoutEventsAnswersEmptyAfterBlockMs()
    {
        var id = await CreateAsync();
        var clock = Stopwatch.StartNew();

        var events = await ReadGroupAsync(id, "workers", """{"consumer":"w1","blockMs":300}""");

        events.Should().BeEmpty();
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(280));
    }

    public static TheoryData<string, string, string?, HttpStatusCode, string> BadRequests => new()
    {
        // create
        { "POST", "/api/streams", """{"name":"a..b","type":"event"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"type":"event"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":7,"type":"event"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"podcast"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"Event"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","bufferSize":-1}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","bufferSize":0}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","bufferSize":"10"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","bufferSize":1.5}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","flushIntervalMs":-5}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","flushInterval":5}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","retention":7}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","retention":{"maxEvents":-1}}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", """{"name":"s","type":"event","retention":{"maxAge":1}}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", "[]", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", "{not json", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", "", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams", "{\"name\":\"" + new string('x', 5000) + "\"}", HttpStatusCode.RequestEntityTooLarge, "too_large" },
        // unknown streams and groups
        { "GET", "/api/streams/no.such.stream", null, HttpStatusCode.NotFound, "not_found" },
        { "DELETE", "/api/streams/no.such.stream", null, HttpStatusCode.NotFound, "not_found" },
        { "POST", "/api/streams/no.such.stream/events", """{"event":"e","data":1}""", HttpStatusCode.NotFound, "not_found" },
        { "GET", "/api/streams/no.such.stream/events", null, HttpStatusCode.NotFound, "not_found" },
        { "POST", "/api/streams/no.such.stream/groups/g/read", """{"consumer":"c"}""", HttpStatusCode.NotFound, "not_found" },
        { "POST", "/api/streams/no.such.stream/groups/g/ack", """{"consumer":"c","offsets":[1]}""", HttpStatusCode.NotFound, "not_found" },
        { "GET", "/api/streams/no.such.stream/groups/g", null, HttpStatusCode.NotFound, "not_found" },
        { "GET", "/api/streams/a..b", null, HttpStatusCode.BadRequest, "bad_request" },
        // appends
        { "POST", "/api/streams/s/events", """{"data":1}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/events", """{"event":"e"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/events", """{"event":5,"data":1}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/events", """{"event":"bad name","data":1}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/events", """[{"event":"e","data":1},7]""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/events", "[]", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/events", "\"event\"", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/events", "{\"event\":\"e\",\"data\":1} 2", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/events", "[" + string.Join(',', Enumerable.Repeat("""{"event":"e","data":1}""", MaxBatch + 1)) + "]", HttpStatusCode.RequestEntityTooLarge, "too_large" },
        { "POST", "/api/streams/s/events", """{"event":"e","data":" """ + new string('x', 5000) + "\"}", HttpStatusCode.RequestEntityTooLarge, "too_large" },
        // reads
        { "GET", "/api/streams/s/events?from=-1", null, HttpStatusCode.BadRequest, "bad_request" },
        { "GET", "/api/streams/s/events?limit=ten", null, HttpStatusCode.BadRequest, "bad_request" },
        // groups
        { "POST", "/api/streams/s/groups/g/read", "{}", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/read", """{"consumer":1}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/read", """{"consumer":"c","count":0}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/read", """{"consumer":"c","count":"5"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/read", """{"consumer":"c","blockMs":-1}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/read", """{"consumer":"bad name"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/a..b/read", """{"consumer":"c"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/ack", """{"consumer":"c"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/ack", """{"consumer":"c","offsets":"1"}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/ack", """{"consumer":"c","offsets":[0]}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/ack", """{"consumer":"c","offsets":[1.5]}""", HttpStatusCode.BadRequest, "bad_request" },
        { "POST", "/api/streams/s/groups/g/ack", """{"offsets":[1]}""", HttpStatusCode.BadRequest, "bad_request" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequestsAreAnsweredWithProblemDetailsCarryingTheCode(string method, string path, string? body, HttpStatusCode status, string code)
    {
        using var response = await Http.SendJsonAsync(method, path, body);

        await response.ShouldBeProblemAsync(status, code);
    }

    private async Task<string> CreateAsync(string? id = null, string type = "event")
    {
        id ??= TestNames.Channel("stream");
        using var response = await PostJsonAsync("/api/streams", $$"""{"name":"{{id}}","type":"{{type}}","flushIntervalMs":0}""");
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return id;
    }

    private async Task<long[]> AppendAsync(string id, string body)
    {
        using var response = await PostJsonAsync($"/api/streams/{id}/events", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
    }

    private async Task<List<JsonElement>> ReadGroupAsync(string id, string group, string body)
    {
        using var response = await PostJsonAsync($"/api/streams/{id}/groups/{group}/read", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").EnumerateArray().ToList();
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Http.PostAsync(path, content);
    }
}
