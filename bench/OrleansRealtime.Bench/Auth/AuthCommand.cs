using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using OrleansRealtime.Bench.Fanout;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Auth;

/// <summary>
/// <c>auth</c>: what security costs. Connects per second to one gateway process anonymously and with an HS256 token
/// in the query (each connection: handshake, welcome, close), and the gateway's time per client frame for frames
/// that pass the rate limiters (<c>unsubscribe</c> of a channel never subscribed) against frames exempt from them
/// (<c>ping</c>), both answered with one small frame. Runs are interleaved; the report gives medians.
/// </summary>
internal static class AuthCommand
{
    public const string Help =
        """
        auth options (defaults in brackets):
          --runs N           runs; modes are interleaved within each [3]
          --connections N    connections opened (and closed) per connect measurement [1000]
          --parallel N       connections opening at once [16]
          --frames N         frames per frame-cost measurement, sent in batches of 100 [200000]
          --gateway-dll PATH the gateway to launch [<repo>/gateway/bin/Release/net10.0/OrleansRealtime.Gateway.dll]
        """;

    private const string Secret = "bench-secret-bench-secret-bench-secret!";

    public static async Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args)
    {
        var (runs, connections, parallel, frames, gatewayDll) = (3, 1000, 16, 200_000, (string?)null);
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--connections": connections = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--parallel": parallel = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--frames": frames = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--gateway-dll": gatewayDll = Value(); break;
                    default: throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Environment.NewLine + Help);
            return 2;
        }

        var command = "dotnet run -c Release --project bench/OrleansRealtime.Bench -- " + string.Join(' ', commandLine);
        await Console.Error.WriteLineAsync(command);
        using var cancellation = new BenchCancellation();
        var paths = BenchPaths.Resolve(gatewayDll, outputDirectory: null);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Realtime__Auth__JwtSecret"] = Secret,
            ["Realtime__Auth__AllowAnonymous"] = "true",
            ["Realtime__Limits__MessagesPerSecond"] = "1000000",
            ["Realtime__Limits__MaxConnections"] = "1000000",
        };

        var (anonymous, tokens, limited, exempt) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        try
        {
            for (var run = 1; run <= runs; run++)
            {
                using var server = await ServerUnderTest.StartAsync(BenchSystem.OrleansRealtime, environment, paths, cancellation.Token);
                await ConnectsPerSecondAsync(server, 200, parallel, _ => "user=warmup", cancellation.Token);
                await ConnectsPerSecondAsync(server, 200, parallel, i => "access_token=" + Token($"warmup-{i}"), cancellation.Token);
                var modes = new (string Name, Func<Task> Measure)[]
                {
                    ("anonymous", async () => anonymous.Add(await ConnectsPerSecondAsync(server, connections, parallel, i => $"user=anon-{i}", cancellation.Token))),
                    ("jwt", async () => tokens.Add(await ConnectsPerSecondAsync(server, connections, parallel, i => "access_token=" + Token($"user-{i}"), cancellation.Token))),
                    ("frames", async () =>
                    {
                        // Warm both paths first (tiered JIT): the first frames a fresh gateway handles are several times slower.
                        const string ping = """{"id":"x","type":"ping"}""", unsubscribe = """{"id":"x","type":"unsubscribe","channel":"never.subscribed"}""";
                        await MicrosecondsPerFrameAsync(server, Math.Min(frames, 50_000), ping, cancellation.Token);
                        await MicrosecondsPerFrameAsync(server, Math.Min(frames, 50_000), unsubscribe, cancellation.Token);
                        var pingFirst = run % 2 == 1;
                        if (pingFirst)
                            exempt.Add(await MicrosecondsPerFrameAsync(server, frames, ping, cancellation.Token));
                        limited.Add(await MicrosecondsPerFrameAsync(server, frames, unsubscribe, cancellation.Token));
                        if (!pingFirst)
                            exempt.Add(await MicrosecondsPerFrameAsync(server, frames, ping, cancellation.Token));
                    }),
                };
                for (var m = 0; m < modes.Length; m++)
                {
                    var (name, measure) = modes[(m + run - 1) % modes.Length];
                    await measure();
                    await Console.Error.WriteLineAsync($"run {run}/{runs}: {name} done");
                }
            }
        }
        finally
        {
            ChildProcess.KillAll();
        }

        var machine = MachineInfo.Read();
        Console.WriteLine($"`{command}` ({runs} runs, {connections} connections with {parallel} in parallel, {frames:N0} frames), {machine.Cores} cores ({machine.CpuModel}), {machine.Runtime}, load average {MachineInfo.LoadAverageNow()}");
        Console.WriteLine();
        Console.WriteLine("| measurement | median | runs |");
        Console.WriteLine("|---|---:|---|");
        Console.WriteLine($"| connects/s, anonymous (`?user=`) | {Median(anonymous):N0} | {Runs(anonymous, "N0")} |");
        Console.WriteLine($"| connects/s, HS256 token (`?access_token=`) | {Median(tokens):N0} | {Runs(tokens, "N0")} |");
        Console.WriteLine($"| token / anonymous | {Median(tokens) / Median(anonymous):0.00}× | |");
        Console.WriteLine($"| µs per frame, `ping` (no rate limiting) | {Median(exempt):0.00} | {Runs(exempt, "0.00")} |");
        Console.WriteLine($"| µs per frame, `unsubscribe` (connection and user buckets) | {Median(limited):0.00} | {Runs(limited, "0.00")} |");
        Console.WriteLine($"| difference (rate limiting and dispatch) | {Median(limited) - Median(exempt):0.00} µs | |");
        return 0;
    }

    /// <summary>Opens and closes <paramref name="count"/> connections, <paramref name="parallel"/> at a time; connects per second.</summary>
    private static async Task<double> ConnectsPerSecondAsync(ServerUnderTest server, int count, int parallel, Func<int, string> query, CancellationToken cancellationToken)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            var buffer = new byte[4096];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var socket = new ClientWebSocket();
                await socket.ConnectAsync(server.WebSocketUri(query(i)), cancellationToken);
                var welcome = await socket.ReceiveAsync(buffer, cancellationToken);
                if (!Encoding.UTF8.GetString(buffer, 0, welcome.Count).Contains("\"welcome\"", StringComparison.Ordinal))
                    throw new InvalidOperationException("the first frame was not a welcome: " + Encoding.UTF8.GetString(buffer, 0, welcome.Count));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
            }
        }));
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Sends <paramref name="count"/> copies of a frame in arrays of 100, one array in flight; the gateway's time per frame in µs.</summary>
    private static async Task<double> MicrosecondsPerFrameAsync(ServerUnderTest server, int count, string frame, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(server.WebSocketUri("user=frames&batch=true"), cancellationToken);
        var buffer = new byte[256 * 1024];
        await socket.ReceiveAsync(buffer, cancellationToken);
        var batch = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(frame, 100)) + "]");
        var clock = Stopwatch.StartNew();
        for (var sent = 0; sent < count; sent += 100)
        {
            await socket.SendAsync(batch, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            var answers = 0;
            while (answers < 100)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                answers += CountAnswers(buffer.AsSpan(0, result.Count));
            }
        }

        var perFrame = clock.Elapsed.TotalMicroseconds / count;
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        return perFrame;
    }

    private static int CountAnswers(ReadOnlySpan<byte> json)
    {
        var count = 0;
        for (var i = json.IndexOf("\"id\":\"x\""u8); i >= 0; i = json.IndexOf("\"id\":\"x\""u8))
        {
            count++;
            json = json[(i + 1)..];
        }

        return count;
    }

    /// <summary>An HS256 JWT for the load generator (the gateway validates it with Microsoft.IdentityModel).</summary>
    private static string Token(string sub)
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var unsigned = Encode("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray()) + "." + Encode(Encoding.UTF8.GetBytes($$"""{"sub":"{{sub}}","exp":{{exp}},"channels":">"}"""));
        return unsigned + "." + Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes(unsigned)));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Runs(List<double> values, string format) => string.Join(" / ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
}
