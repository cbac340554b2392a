using System.Globalization;
using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.OptionValues;

namespace OrleansRealtime.Bench.Fanout;

/// <summary>The <c>fanout</c> command line. Defaults finish a full run (3 systems × 3 runs) in under five minutes on two cores.</summary>
internal sealed class FanoutOptions : IBenchOptions
{
    private int? _subscribers;

    public const string Help =
        """
        fanout options (defaults in brackets):
          --subscribers N          subscribers on one channel [1000; 200 with --transports]
          --duration S             saturation measurement window, after warm-up [10]
          --warmup S               saturated publishing before the window opens [3]
          --latency-duration S     fixed-rate latency phase [5]
          --systems a,b            orleans-realtime, orleans-realtime-batch, raw-websocket [these three], or the peers of
                                   `compare`: orleans-realtime-2gw, signalr, signalr-redis-2n, socketio, socketio-redis-2n;
                                   ratios against raw-websocket
          --transports a,b         instead of --systems: the gateway with subscribers on websocket, websocket-batch,
                                   websocket-deflate (gateway compression on), sse, polling, signalr; ratios against
                                   websocket, which is added when not named
          --rate R                 latency phase publish rate in msg/s [50% of the system's own saturation publish rate]
          --rate-percent P         the percentage used when --rate is not given [50]
          --window N               publishes in flight awaiting their ack (orleans-realtime) [64]
          --max-lead N             how far the publisher may run ahead of the slowest subscriber, in messages [1000]
        """ + "\n" + RunOptions.Help;

    public const int DefaultSubscribers = 1000;

    /// <summary>Every transport's client runs in the generator at once with the gateway on two cores: fewer subscribers.</summary>
    public const int DefaultTransportSubscribers = 200;

    public int Subscribers => _subscribers ?? (Baseline == BenchSystem.WebSocketName ? DefaultTransportSubscribers : DefaultSubscribers);

    public double DurationSeconds { get; private set; } = 10;

    public double WarmupSeconds { get; private set; } = 3;

    public double LatencySeconds { get; private set; } = 5;

    public IReadOnlyList<BenchSystem> Systems { get; private set; } = BenchSystem.All;

    /// <summary>The system every ratio divides by: raw-websocket, or websocket with <c>--transports</c>.</summary>
    public string Baseline { get; private set; } = BenchSystem.RawName;

    public double? Rate { get; private set; }

    public double RatePercent { get; private set; } = 50;

    public int Window { get; private set; } = 64;

    public int MaxLead { get; private set; } = 1000;

    public RunOptions Run { get; } = new();


    /// <summary>The same options for another scenario of <c>compare</c>: other subscriber count and/or systems.</summary>
    public FanoutOptions With(int? subscribers = null, IReadOnlyList<BenchSystem>? systems = null)
    {
        var copy = (FanoutOptions)MemberwiseClone();
        copy._subscribers = subscribers ?? _subscribers;
        copy.Systems = systems ?? Systems;
        return copy;
    }

    /// <summary>Parses the options after the verb; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static FanoutOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FanoutOptions();
        options.Run.Parse(args, options.Option);
        return options;
    }

    private bool Option(string name, Func<string> value)
    {
        switch (name)
        {
            case "--subscribers": _subscribers = PositiveInt(name, value()); return true;
            case "--duration": DurationSeconds = PositiveDouble(name, value()); return true;
            case "--warmup": WarmupSeconds = NonNegativeDouble(name, value()); return true;
            case "--latency-duration": LatencySeconds = PositiveDouble(name, value()); return true;
            case "--systems":
                Systems = BenchSystem.ParseList(value(), BenchSystem.Known, name);
                Baseline = BenchSystem.RawName;
                return true;
            case "--transports":
                var transports = BenchSystem.ParseList(value(), BenchSystem.Transports, name);
                Systems = transports.Any(t => t.Name == BenchSystem.WebSocketName) ? transports : [BenchSystem.Transports[0], .. transports];
                Baseline = BenchSystem.WebSocketName;
                return true;
            case "--rate": Rate = PositiveDouble(name, value()); return true;
            case "--rate-percent": RatePercent = PositiveDouble(name, value()); return true;
            case "--window": Window = PositiveInt(name, value()); return true;
            case "--max-lead": MaxLead = PositiveInt(name, value()); return true;
            default: return false;
        }
    }

    /// <summary>Every effective value, defaults included, so a report says exactly what ran.</summary>
    public string Describe()
    {
        var rate = Rate is { } r ? F(r) + " msg/s" : F(RatePercent) + "% of own saturation publish rate";
        return $"subscribers={Subscribers}, warmup={F(WarmupSeconds)} s, duration={F(DurationSeconds)} s, latency-duration={F(LatencySeconds)} s, " +
            $"systems={string.Join(',', Systems.Select(s => s.Name))}, latency rate={rate}, window={Window}, " +
            $"max-lead={MaxLead}, {Run.Describe()}";
    }
}
