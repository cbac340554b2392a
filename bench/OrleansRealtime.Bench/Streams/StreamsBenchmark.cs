using OrleansRealtime.Bench.Harness;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansRealtime.Bench.Fanout;

namespace OrleansRealtime.Bench.Streams;

/// <summary>One backend's numbers in one run; <see cref="Findings"/> lists anything that contradicts the guarantees.</summary>
internal sealed record StreamsRunResult(string Backend, int Run, double SingleEventsPerSecond, double BatchedEventsPerSecond, double GroupEventsPerSecond, IReadOnlyList<string> Findings);

/// <summary>
/// Measures durable streams over the REST API of a real gateway process (embedded silo), with memory or Redis storage:
/// append throughput with one event per request and with <see cref="StreamsOptions.Batch"/> per request (both with
/// <see cref="StreamsOptions.Concurrency"/> requests in flight), and how fast <see cref="StreamsOptions.Consumers"/>
/// consumers of one group drain a stream, each reading and acknowledging in a loop.
/// </summary>
internal sealed class StreamsBenchmark(StreamsOptions options, BenchPaths paths)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>An event of about 100 bytes of JSON.</summary>
    private static readonly string Event = """{"event":"page_view","data":{"user":"user-12345","path":"/products/42","ref":"campaign-2026-11","n":1}}""";

    public async Task<List<StreamsRunResult>> RunAllAsync(CancellationToken cancellationToken)
    {
        var results = new List<StreamsRunResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            // Interleave the backends, starting each run with a different one, so drift on a shared machine spreads evenly.
            for (var i = 0; i < options.Backends.Count; i++)
            {
                var backend = options.Backends[(i + run - 1) % options.Backends.Count];
                await Console.Error.WriteLineAsync($"run {run}/{options.Runs}: {backend}");
                results.Add(await RunOnceAsync(backend, run, cancellationToken));
                var last = results[^1];
                await Console.Error.WriteLineAsync($"  single {last.SingleEventsPerSecond:N0} ev/s, batched {last.BatchedEventsPerSecond:N0} ev/s, group {last.GroupEventsPerSecond:N0} ev/s");
            }
        }

        return results;
    }

    private async Task<StreamsRunResult> RunOnceAsync(string backend, int run, CancellationToken cancellationToken)
    {
        using var redis = backend == "redis" ? await RedisProcess.StartAsync(cancellationToken) : null;
        var gatewayArguments = new List<string>(options.HarnessArguments) { "--gateway-env", "Logging__LogLevel__OrleansRealtime=Warning" };
        if (redis is not null)
            gatewayArguments.AddRange(["--gateway-env", "Orleans__Storage=Redis", "--gateway-env", $"ConnectionStrings__Redis={redis.ConnectionString}"]);
        using var server = await ServerUnderTest.StartAsync(BenchSystem.OrleansRealtime, FanoutOptions.Parse(gatewayArguments).Run.GatewayEnvironment, paths, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };

        var findings = new List<string>();
        var single = await AppendPhaseAsync(http, "bench.single", 1, findings, cancellationToken);
        var batched = await AppendPhaseAsync(http, "bench.batched", options.Batch, findings, cancellationToken);
        var group = await GroupPhaseAsync(http, findings, cancellationToken);
        return new StreamsRunResult(backend, run, single, batched, group, findings);
    }

    /// <summary>Appends for a warm-up second, then for the window; answers acknowledged events per second in the window.</summary>
    private async Task<double> AppendPhaseAsync(HttpClient http, string stream, int perRequest, List<string> findings, CancellationToken cancellationToken)
    {
        // flushIntervalMs 0: a batch is written as soon as the previous write is done, so this measures throughput,
        // not the latency a flush interval adds on purpose.
        await CreateAsync(http, stream, cancellationToken);
        var body = Encoding.UTF8.GetBytes(perRequest == 1 ? Event : "[" + string.Join(',', Enumerable.Repeat(Event, perRequest)) + "]");

        var clock = Stopwatch.StartNew();
        var warmup = TimeSpan.FromSeconds(1);
        var end = warmup + TimeSpan.FromSeconds(options.DurationSeconds);
        long measured = 0, total = 0;
        var workers = Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            while (clock.Elapsed < end)
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = Json;
                using var response = await http.PostAsync(new Uri($"/api/streams/{stream}/events", UriKind.Relative), content, cancellationToken);
                response.EnsureSuccessStatusCode();
                var answered = clock.Elapsed;
                Interlocked.Add(ref total, perRequest);
                if (answered > warmup && answered <= end)
                    Interlocked.Add(ref measured, perRequest);
            }
        });
        await Task.WhenAll(workers);

        var last = await LastOffsetAsync(http, stream, cancellationToken);
        if (last != total)
            findings.Add($"{stream}: {total} events acknowledged but the stream's last offset is {last}");
        return measured / options.DurationSeconds;
    }

    /// <summary>Fills a stream, then lets the consumers drain it through one group; answers events read and acked per second.</summary>
    private async Task<double> GroupPhaseAsync(HttpClient http, List<string> findings, CancellationToken cancellationToken)
    {
        const string stream = "bench.group";
        await CreateAsync(http, stream, cancellationToken);
        var fill = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(Event, 500)) + "]");
        for (var appended = 0; appended < options.GroupEvents; appended += 500)
            (await PostAsync(http, $"/api/streams/{stream}/events", fill, cancellationToken)).Dispose();
        var expected = await LastOffsetAsync(http, stream, cancellationToken);

        var delivered = new bool[expected + 1];
        long redeliveries = 0;
        var clock = Stopwatch.StartNew();
        var consumers = Enumerable.Range(1, options.Consumers).Select(async n =>
        {
            var read = Encoding.UTF8.GetBytes($$"""{"consumer":"c{{n}}","count":{{options.ReadCount}}}""");
            while (true)
            {
                using var response = await PostAsync(http, $"/api/streams/{stream}/groups/workers/read", read, cancellationToken);
                using var answer = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                var offsets = answer.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("offset").GetInt64()).ToList();
                if (offsets.Count == 0)
                    return;
                foreach (var offset in offsets)
                {
                    if (Interlocked.Exchange(ref delivered[offset], true))
                        Interlocked.Increment(ref redeliveries);
                }

                var ack = Encoding.UTF8.GetBytes($$"""{"consumer":"c{{n}}","offsets":[{{string.Join(',', offsets)}}]}""");
                (await PostAsync(http, $"/api/streams/{stream}/groups/workers/ack", ack, cancellationToken)).Dispose();
            }
        });
        await Task.WhenAll(consumers);
        var elapsed = clock.Elapsed;

        var missing = delivered.Skip(1).Count(d => !d);
        if (missing > 0)
            findings.Add($"{stream}: {missing} of {expected} events were never handed to a consumer");
        if (redeliveries > 0)
            findings.Add($"{stream}: {redeliveries} events were handed out twice although every one was acked within the ack time-out");
        return expected / elapsed.TotalSeconds;
    }

    private static async Task CreateAsync(HttpClient http, string stream, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"name":"{{{stream}}}","type":"event","bufferSize":1000,"flushIntervalMs":0,"retention":{"maxEvents":0}}""");
        (await PostAsync(http, "/api/streams", body, cancellationToken)).Dispose();
    }

    private static async Task<long> LastOffsetAsync(HttpClient http, string stream, CancellationToken cancellationToken)
    {
        using var answer = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/streams/{stream}", UriKind.Relative), cancellationToken));
        return answer.RootElement.GetProperty("lastOffset").GetInt64();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        return response;
    }
}
