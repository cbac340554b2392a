using System.Globalization;
using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.OptionValues;

namespace OrleansRealtime.Bench.Fanout;

/// <summary>The <c>fanout</c> command line. Defaults finish a full run (3 systems × 3 runs) in under five minutes on two cores.</summary>
internal sealed class FanoutOptions
{
    public const string Help =
        """
        fanout options (defaults in brackets):
          --subscribers N          subscribers on one channel [1000; 200 with --transports]
          --duration S             saturation measurement window, after warm-up [10]
          --warmup S               saturated publishing before the window opens [3]
          --latency-duration S     fixed-rate latency phase [5]
          --runs N                 runs per system; systems are interleaved within each run [3]
          --systems a,b            orleans-realtime, orleans-realtime-batch, raw-websocket [all three]; ratios against raw-websocket
          --transports a,b         instead of --systems: the gateway with subscribers on websocket, websocket-batch,
                                   websocket-deflate (gateway compression on), sse, polling, signalr; ratios against
                                   websocket, which is added when not named
          --rate R                 latency phase publish rate in msg/s [50% of the system's own saturation publish rate]
          --rate-percent P         the percentage used when --rate is not given [50]
          --window N               publishes in flight awaiting their ack (orleans-realtime) [64]
          --max-lead N             how far the publisher may run ahead of the slowest subscriber, in messages [1000]
          --connect-parallelism N  subscribers connecting at once [32]
          --gateway-dll PATH       the gateway to launch [<repo>/gateway/bin/Release/net10.0/OrleansRealtime.Gateway.dll]
          --gateway-env K=V        extra environment for the gateway, repeatable (e.g. Orleans__StreamPollingPeriodMs=1)
          --output DIR             where the markdown report goes [<repo>/bench/results]
        """;

    public const int DefaultSubscribers = 1000;

    /// <summary>Every transport's client runs in the generator at once with the gateway on two cores: fewer subscribers.</summary>
    public const int DefaultTransportSubscribers = 200;

    public int Subscribers => _subscribers ?? (Baseline == BenchSystem.WebSocketName ? DefaultTransportSubscribers : DefaultSubscribers);

    public double DurationSeconds { get; private set; } = 10;

    public double WarmupSeconds { get; private set; } = 3;

    public double LatencySeconds { get; private set; } = 5;

    public int Runs { get; private set; } = 3;

    public IReadOnlyList<BenchSystem> Systems { get; private set; } = BenchSystem.All;

    /// <summary>The system every ratio divides by: raw-websocket, or websocket with <c>--transports</c>.</summary>
    public string Baseline { get; private set; } = BenchSystem.RawName;

    public double? Rate { get; private set; }

    public double RatePercent { get; private set; } = 50;

    public int Window { get; private set; } = 64;

    public int MaxLead { get; private set; } = 1000;

    public int ConnectParallelism { get; private set; } = 32;

    public string? GatewayDll { get; private set; }

    public IReadOnlyDictionary<string, string> GatewayEnvironment => _gatewayEnvironment;

    public string? OutputDirectory { get; private set; }

    private readonly Dictionary<string, string> _gatewayEnvironment = new(StringComparer.Ordinal);
    private int? _subscribers;

    /// <summary>Parses the options after the verb; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static FanoutOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FanoutOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--subscribers": options._subscribers = PositiveInt(name, Value()); break;
                case "--duration": options.DurationSeconds = PositiveDouble(name, Value()); break;
                case "--warmup": options.WarmupSeconds = NonNegativeDouble(name, Value()); break;
                case "--latency-duration": options.LatencySeconds = PositiveDouble(name, Value()); break;
                case "--runs": options.Runs = PositiveInt(name, Value()); break;
                case "--systems":
                    options.Systems = BenchSystem.ParseList(Value(), BenchSystem.All, name);
                    options.Baseline = BenchSystem.RawName;
                    break;
                case "--transports":
                    var transports = BenchSystem.ParseList(Value(), BenchSystem.Transports, name);
                    options.Systems = transports.Any(t => t.Name == BenchSystem.WebSocketName) ? transports : [BenchSystem.Transports[0], .. transports];
                    options.Baseline = BenchSystem.WebSocketName;
                    break;
                case "--rate": options.Rate = PositiveDouble(name, Value()); break;
                case "--rate-percent": options.RatePercent = PositiveDouble(name, Value()); break;
                case "--window": options.Window = PositiveInt(name, Value()); break;
                case "--max-lead": options.MaxLead = PositiveInt(name, Value()); break;
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

    /// <summary>Every effective value, defaults included, so a report says exactly what ran.</summary>
    public string Describe()
    {
        var rate = Rate is { } r ? F(r) + " msg/s" : F(RatePercent) + "% of own saturation publish rate";
        var env = _gatewayEnvironment.Count == 0 ? "none" : string.Join(' ', _gatewayEnvironment.Select(kv => $"{kv.Key}={kv.Value}"));
        return $"subscribers={Subscribers}, warmup={F(WarmupSeconds)} s, duration={F(DurationSeconds)} s, latency-duration={F(LatencySeconds)} s, " +
            $"runs={Runs}, systems={string.Join(',', Systems.Select(s => s.Name))}, latency rate={rate}, window={Window}, " +
            $"max-lead={MaxLead}, extra gateway env: {env}";
    }
}
