using OrleansRealtime.Bench.Fanout;
using OrleansRealtime.Bench.RawServer;
using OrleansRealtime.Bench.Rooms;

// The bench harness (not in CI). Verbs:
//   fanout     one publisher, N WebSocket subscribers, each system measured in its own process (see bench/README.md)
//   rooms      one room of N members on one gateway: join storm, room.send throughput, presence fan-out latency
//   serve-raw  the raw-websocket baseline server; `fanout` starts it itself, as a separate process
return args switch
{
    ["fanout", .. var rest] => await FanoutCommand.RunAsync(args, rest),
    ["rooms", .. var rest] => await RoomsCommand.RunAsync(args, rest),
    ["serve-raw", .. var rest] => await RawBroadcastServer.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine(
        """
        usage:
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- fanout [options]
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- rooms [options]
          dotnet run -c Release --project bench/OrleansRealtime.Bench -- serve-raw --port P

        """ + FanoutOptions.Help + Environment.NewLine + RoomsCommand.Help);
    return 2;
}
