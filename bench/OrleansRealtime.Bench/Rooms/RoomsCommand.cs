using System.Diagnostics;
using System.Globalization;
using System.Text;
using OrleansRealtime.Bench.Harness;
using OrleansRealtime.Bench.Load;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Rooms;

/// <summary>
/// <c>rooms</c>: one embedded gateway process and one room of N members (default 1,000), each its own WebSocket and
/// user. Measures the join storm (all N joins at once: until every ack, and until every member has every later
/// join's presence record, N(N-1)/2 frames), room.send throughput (one member sends M messages with a window of
/// outstanding sends; delivered = N × M frames over the time until the last member has the last one), and presence
/// fan-out latency (one member sets its status K times; per update, the time until each member has the record).
/// Prints a markdown report and writes it to <c>bench/results/rooms-&lt;timestamp&gt;.md</c>.
/// </summary>
internal static class RoomsCommand
{
    public const string Help =
        """
        rooms options:
          --members N           room size (default 1000)
          --messages M          room messages sent by one member (default 200)
          --window W            room.send requests in flight (default 32)
          --presence K          presence updates measured (default 20)
          --gateway-dll PATH    the gateway to start (default gateway/bin/Release/net10.0)
        """;

    public static async Task<int> RunAsync(string[] commandLine, IReadOnlyList<string> args)
    {
        int members = 1000, messages = 200, window = 32, presence = 20;
        string? gatewayDll = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--members": members = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--messages": messages = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--window": window = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--presence": presence = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--gateway-dll": gatewayDll = args[++i]; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option '{args[i]}'{Environment.NewLine}{Help}");
                    return 2;
            }
        }

        var paths = BenchPaths.Resolve(gatewayDll, outputDirectory: null);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();
        var command = "dotnet run -c Release --project bench/OrleansRealtime.Bench -- " + string.Join(' ', commandLine);
        var machine = MachineInfo.Read();
        var started = DateTimeOffset.Now;
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Rooms bench, {started:yyyy-MM-dd HH:mm}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`{command}`")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{machine.Cores} cores, {machine.CpuModel}, {machine.Runtime}; one embedded gateway process (silo included) and this generator on the same machine.")
            .AppendLine();

        var room = $"bench.{Guid.NewGuid():N}";
        var all = new List<RoomMember>(members);
        try
        {
            using var server = await ServerUnderTest.StartAsync(BenchSystem.OrleansRealtime, new Dictionary<string, string>(), paths, cancellation.Token);
            await Console.Error.WriteLineAsync($"gateway pid {server.Pid}; connecting {members} members");
            using (var gate = new SemaphoreSlim(64))
            {
                var connecting = Enumerable.Range(0, members).Select(async i =>
                {
                    await gate.WaitAsync(cancellation.Token);
                    try
                    {
                        return await RoomMember.ConnectAsync(server.WebSocketUri($"user=member-{i}"), cancellation.Token);
                    }
                    finally
                    {
                        gate.Release();
                    }
                });
                all.AddRange(await Task.WhenAll(connecting));
            }

            // 0. Join latency one at a time (a warm-up room of 50), for comparison with the storm.
            var single = new LatencyHistogram();
            foreach (var member in all.Take(50))
            {
                var one = Stopwatch.GetTimestamp();
                Require(await member.RequestAsync($$"""{"type":"join","room":"{{room}}.warmup"}""") == "ack", "a join is acknowledged");
                single.Record((long)Stopwatch.GetElapsedTime(one).TotalMicroseconds);
            }

            // 1. Join storm: every member joins at once.
            var storm = Stopwatch.StartNew();
            var answers = await Task.WhenAll(all.Select(m => m.RequestAsync($$"""{"type":"join","room":"{{room}}"}""")));
            var acked = storm.Elapsed;
            Require(answers.All(a => a == "ack"), $"every join is acknowledged ({answers.Count(a => a != "ack")} were not)");
            long expectedJoins = (long)members * (members - 1) / 2;
            await WaitAsync(() => all.Sum(m => m.Joins) >= expectedJoins, "every join record at every later member", cancellation.Token);
            var joinsDelivered = storm.Elapsed;
            report.AppendLine("| measure | result |").AppendLine("|---|---|")
                .AppendLine(CultureInfo.InvariantCulture, $"| join, one at a time (50 joins into another room) | p50 {Ms(single, 0.5)} ms, max {single.MaxMicros / 1000.0:F1} ms |")
                .AppendLine(CultureInfo.InvariantCulture, $"| join storm: {members} joins sent at once, all acknowledged | {acked.TotalMilliseconds:F0} ms ({members / acked.TotalSeconds:F0} joins/s) |")
                .AppendLine(CultureInfo.InvariantCulture, $"| join storm: until every member had every later join ({expectedJoins:N0} presence frames) | {joinsDelivered.TotalMilliseconds:F0} ms ({expectedJoins / joinsDelivered.TotalSeconds:N0} frames/s) |");

            // 2. room.send throughput: one member sends, every member (the sender too) receives.
            var sender = all[0];
            var send = Stopwatch.StartNew();
            using (var inFlight = new SemaphoreSlim(window))
            {
                var sends = new List<Task>(messages);
                for (var n = 1; n <= messages; n++)
                {
                    await inFlight.WaitAsync(cancellation.Token);
                    sends.Add(SendOneAsync(sender, room, n, inFlight));
                }

                await Task.WhenAll(sends);
            }

            var sent = send.Elapsed;
            long expectedMessages = (long)members * messages;
            await WaitAsync(() => all.Sum(m => m.Messages) >= expectedMessages, "every room message at every member", cancellation.Token);
            var delivered = send.Elapsed;
            report.AppendLine(CultureInfo.InvariantCulture, $"| room.send: {messages} messages acknowledged (window {window}) | {sent.TotalMilliseconds:F0} ms ({messages / sent.TotalSeconds:F0} sends/s) |")
                .AppendLine(CultureInfo.InvariantCulture, $"| room.send: {expectedMessages:N0} room frames delivered | {delivered.TotalMilliseconds:F0} ms, **{expectedMessages / delivered.TotalSeconds:N0} msg/s delivered** |");

            // 3. Presence fan-out latency: one status change at a time; each member records when it saw it.
            var latencies = new LatencyHistogram();
            var completions = new LatencyHistogram();
            for (var k = 0; k < presence; k++)
            {
                var status = k % 2 == 0 ? "away" : "busy";
                var seen = 0;
                var last = 0L;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var start = Stopwatch.GetTimestamp();
                foreach (var member in all)
                {
                    member.StatusSeen = (s, at) =>
                    {
                        if (s != status)
                            return;
                        lock (latencies)
                        {
                            latencies.Record((long)Stopwatch.GetElapsedTime(start, at).TotalMicroseconds);
                            last = Math.Max(last, at);
                            if (++seen == members)
                                done.TrySetResult();
                        }
                    };
                }

                Require(await sender.RequestAsync($$"""{"type":"presence.set","status":"{{status}}"}""") == "ack", "presence.set is acknowledged");
                await done.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellation.Token);
                completions.Record((long)Stopwatch.GetElapsedTime(start, last).TotalMicroseconds);
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"| presence.set → each member's presence frame ({presence} updates × {members} members) | p50 {Ms(latencies, 0.5)} ms, p99 {Ms(latencies, 0.99)} ms, max {latencies.MaxMicros / 1000.0:F1} ms |")
                .AppendLine(CultureInfo.InvariantCulture, $"| presence.set → last member has it (per update) | p50 {Ms(completions, 0.5)} ms, max {completions.MaxMicros / 1000.0:F1} ms |")
                .AppendLine(CultureInfo.InvariantCulture, $"| gateway RSS at the end | {server.RssKiB() / 1024} MiB |");
        }
        finally
        {
            foreach (var member in all)
                await member.DisposeAsync();
            ChildProcess.KillAll();
        }

        var text = report.ToString();
        Console.WriteLine(text);
        Directory.CreateDirectory(paths.OutputDirectory);
        var file = Path.Combine(paths.OutputDirectory, $"rooms-{started:yyyyMMdd-HHmmss}.md");
        await File.WriteAllTextAsync(file, text);
        await Console.Error.WriteLineAsync($"Report written to {file}");
        return 0;
    }

    private static async Task SendOneAsync(RoomMember sender, string room, int n, SemaphoreSlim inFlight)
    {
        try
        {
            Require(await sender.RequestAsync($$"""{"type":"room.send","room":"{{room}}","data":{{n}}}""") == "ack", "room.send is acknowledged");
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>Polls a counter condition every 10 ms (the generator's own progress, not a server's); fails after 5 minutes.</summary>
    private static async Task WaitAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"not reached in 5 minutes: {what}");
            await Task.Delay(10, cancellationToken);
        }
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException($"bench check failed: {what}");
    }

    private static string Ms(LatencyHistogram histogram, double quantile) =>
        (histogram.QuantileMicros(quantile) / 1000.0).ToString("F1", CultureInfo.InvariantCulture);
}
