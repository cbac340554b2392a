using OrleansRealtime.Bench.Auth;
using OrleansRealtime.Bench.Compare;
using OrleansRealtime.Bench.Fanout;
using OrleansRealtime.Bench.Memory;
using OrleansRealtime.Bench.RawServer;
using OrleansRealtime.Bench.Rooms;
using OrleansRealtime.Bench.ScaleOut;
using OrleansRealtime.Bench.Streams;

// The bench harness (not in CI). Verbs:
//   compare    every scenario (fan-out, many channels, memory, reconnect storm) against orleans-realtime, SignalR, Socket.IO and raw (bench/run)
//   fanout     one publisher, N subscribers (WebSocket or another transport), each system measured in its own process (see bench/README.md)
//   rooms      one room of N members on one gateway: join storm, room.send throughput, presence fan-out latency
//   memory     gateway memory per idle connection, per transport
//   serve-raw  the raw-websocket baseline server; `fanout` starts it itself, as a separate process
//   auth       connects/s with a token vs anonymous, and the per-frame cost of rate limiting
//   streams    durable stream append and consumer-group throughput over REST, memory and Redis storage
//   scaleout   2 silos on Redis with 1 vs 2 vs 3 gateway processes: fan-out, cross-gateway latency, losing a gateway
return args switch
{
    ["compare", .. var rest] => await CompareCommand.RunAsync(args, rest),
    ["fanout", .. var rest] => await FanoutCommand.RunAsync(args, rest),
    ["rooms", .. var rest] => await RoomsCommand.RunAsync(args, rest),
    ["memory", .. var rest] => await MemoryCommand.RunAsync(args, rest),
    ["serve-raw", .. var rest] => await RawBroadcastServer.RunAsync(rest),
    ["streams", .. var rest] => await StreamsCommand.RunAsync(args, rest),
    ["auth", .. var rest] => await AuthCommand.RunAsync(args, rest),
    ["scaleout", .. var rest] => await ScaleOutCommand.RunAsync(args, rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine(
        """
        usage:
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- compare [options]   (bench/run runs it)
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- fanout [options]
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- rooms [options]
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- memory [options]
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- serve-raw --port P
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- streams [options]
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- auth [options]
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- scaleout [options]

        """ + CompareOptions.Help + Environment.NewLine + FanoutOptions.Help + Environment.NewLine + MemoryOptions.Help + Environment.NewLine + StreamsOptions.Help + Environment.NewLine + AuthCommand.Help + Environment.NewLine + RoomsCommand.Help + Environment.NewLine + ScaleOutOptions.Help);
    return 2;
}
