using OrleansRealtime.Bench.Fanout;
using OrleansRealtime.Bench.Harness;
using static OrleansRealtime.Bench.Harness.OptionValues;

namespace OrleansRealtime.Bench.Compare;

/// <summary>
/// The <c>compare</c> command line: its own scenario sizes, and every <c>fanout</c> option (systems, windows, runs),
/// which apply to each scenario. <c>--quick</c> shrinks everything into a smoke run of a few minutes.
/// </summary>
internal sealed class CompareOptions : IBenchOptions
{
    public const string Help =
        """
        compare options (defaults in brackets, --quick's in parentheses):
          --quick                  a smoke run: fewer connections, shorter windows, 1 run; any option given still wins
          --scenarios a,b          fanout, channels, storm [all three]
          --fanout-subscribers a,b fan-out sizes, one channel each [1000,5000] (200,500); the largest also gives idle memory
          --channels N             connections, each on a channel of its own [2000] (200)
          --room N                 more connections sharing one room channel [10]
          --storm-clients N        clients of the reconnect storm [2000] (200)
          --storm-rate R           publishes/s during the storm [20]
          --readme PATH            write the summary table between the markers of this README and the chart next to it
        and the fanout options (--duration [10] (3), --warmup [3] (1), --latency-duration [5] (3), --runs [3] (1),
        --rate-percent, --window, --max-lead, --gateway-env, --redis, --output); --systems defaults to all seven:
          orleans-realtime, orleans-realtime-2gw, signalr, signalr-redis-2n, socketio, socketio-redis-2n, raw-websocket
        """;

    private static readonly string[] QuickFanout = ["--runs", "1", "--duration", "3", "--warmup", "1", "--latency-duration", "3"];

    public bool Quick { get; private set; }

    public IReadOnlyList<string> Scenarios { get; private set; } = ["fanout", "channels", "storm"];

    public IReadOnlyList<int> FanoutSubscribers { get; private set; } = [1000, 5000];

    public int Channels { get; private set; } = 2000;

    public int Room { get; private set; } = 10;

    public int StormClients { get; private set; } = 2000;

    public double StormRate { get; private set; } = 20;

    public string? Readme { get; private set; }

    public FanoutOptions Fanout { get; private set; } = new();

    public RunOptions Run => Fanout.Run;

    /// <summary>The most connections any scenario opens at once (for the open files check).</summary>
    public int MaxConnections => Math.Max(FanoutSubscribers.Max(), Math.Max(Channels + Room, StormClients)) + 1;

    public static CompareOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CompareOptions();
        var rest = new List<string>();
        int? fanout = null, channels = null, storm = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--quick": options.Quick = true; break;
                case "--scenarios": options.Scenarios = ParseScenarios(Value()); break;
                case "--fanout-subscribers":
                    options.FanoutSubscribers = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => PositiveInt(name, v)).ToArray();
                    fanout = options.FanoutSubscribers.Count;
                    break;
                case "--channels": options.Channels = PositiveInt(name, Value()); channels = options.Channels; break;
                case "--room": options.Room = PositiveInt(name, Value()); break;
                case "--storm-clients": options.StormClients = PositiveInt(name, Value()); storm = options.StormClients; break;
                case "--storm-rate": options.StormRate = PositiveDouble(name, Value()); break;
                case "--readme": options.Readme = Value(); break;
                default: rest.Add(name); break;
            }
        }

        if (options.FanoutSubscribers.Count == 0)
            throw new ArgumentException("--fanout-subscribers names no size");
        if (options.Quick)
        {
            options.FanoutSubscribers = fanout is null ? [200, 500] : options.FanoutSubscribers;
            options.Channels = channels ?? 200;
            options.StormClients = storm ?? 200;
        }

        // Later values win: the defaults of compare (and --quick's) first, then what the user gave.
        string[] defaults = ["--systems", string.Join(',', BenchSystem.Compared.Select(s => s.Name))];
        options.Fanout = FanoutOptions.Parse([.. defaults, .. options.Quick ? QuickFanout : [], .. rest]);
        return options;
    }

    public string Describe() =>
        $"{(Quick ? "QUICK smoke run, " : string.Empty)}scenarios={string.Join(',', Scenarios)}, fanout-subscribers={string.Join(',', FanoutSubscribers)}, " +
        $"channels={Channels} + room of {Room}, storm-clients={StormClients} at {F(StormRate)} msg/s; {Fanout.Describe()}";

    private static string[] ParseScenarios(string value)
    {
        var known = new[] { "fanout", "channels", "storm" };
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (!known.Contains(name))
                throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", known)}");
        }

        return names.Length > 0 ? names : throw new ArgumentException("--scenarios names nothing");
    }
}
