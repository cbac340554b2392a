using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.OptionValues;

namespace OrleansRealtime.Bench.Memory;

/// <summary>The <c>memory</c> command line. Defaults (6 transports × 3 runs × 1,000 connections) take about 5 minutes on two cores.</summary>
internal sealed class MemoryOptions
{
    public const string Help =
        """
        memory options (defaults in brackets):
          --transports a,b         websocket, websocket-batch, websocket-deflate, sse, polling, signalr [all six]
          --connections N          idle subscribed connections measured per run [1000]
          --warmup-connections N   connections opened (and kept) before the baseline, so first-use costs (JIT, pools) stay out of the difference [10]
          --runs N                 runs per transport; transports are interleaved within each run [3]
          --settle S               wait before each measurement [2]
          --connect-parallelism N  connections opening at once [32]
          --gateway-dll PATH       the gateway to launch [<repo>/gateway/bin/Release/net10.0/OrleansRealtime.Gateway.dll]
          --gateway-env K=V        extra environment for the gateway, repeatable
          --output DIR             where the markdown report goes [<repo>/bench/results]
        """;

    private readonly Dictionary<string, string> _gatewayEnvironment = new(StringComparer.Ordinal);

    public IReadOnlyList<BenchSystem> Systems { get; private set; } = BenchSystem.Transports;

    public int Connections { get; private set; } = 1000;

    public int WarmupConnections { get; private set; } = 10;

    public int Runs { get; private set; } = 3;

    public double SettleSeconds { get; private set; } = 2;

    public int ConnectParallelism { get; private set; } = 32;

    public string? GatewayDll { get; private set; }

    public IReadOnlyDictionary<string, string> GatewayEnvironment => _gatewayEnvironment;

    public string? OutputDirectory { get; private set; }

    public static MemoryOptions Parse(IReadOnlyList<string> args)
    {
        var options = new MemoryOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--transports": options.Systems = BenchSystem.ParseList(Value(), BenchSystem.Transports, name); break;
                case "--connections": options.Connections = PositiveInt(name, Value()); break;
                case "--warmup-connections": options.WarmupConnections = PositiveInt(name, Value()); break;
                case "--runs": options.Runs = PositiveInt(name, Value()); break;
                case "--settle": options.SettleSeconds = NonNegativeDouble(name, Value()); break;
                case "--connect-parallelism": options.ConnectParallelism = PositiveInt(name, Value()); break;
                case "--gateway-dll": options.GatewayDll = Value(); break;
                case "--gateway-env":
                    var (key, value) = EnvironmentPair(name, Value());
                    options._gatewayEnvironment[key] = value;
                    break;
                case "--output": options.OutputDirectory = Value(); break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        return options;
    }

    public string Describe()
    {
        var env = _gatewayEnvironment.Count == 0 ? "none" : string.Join(' ', _gatewayEnvironment.Select(kv => $"{kv.Key}={kv.Value}"));
        return $"connections={Connections}, warmup-connections={WarmupConnections}, runs={Runs}, settle={F(SettleSeconds)} s, " +
            $"transports={string.Join(',', Systems.Select(s => s.Name))}, extra gateway env: {env}";
    }
}
