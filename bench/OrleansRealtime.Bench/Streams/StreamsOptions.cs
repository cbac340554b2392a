using System.Globalization;

namespace OrleansRealtime.Bench.Streams;

/// <summary>The <c>streams</c> command line.</summary>
internal sealed class StreamsOptions
{
    public const string Help =
        """
        streams options (defaults in brackets):
          --backends a,b     memory, redis [both]
          --runs N           runs per backend; backends are interleaved within each run [3]
          --duration S       measurement window of each append phase, after a 1 s warm-up [5]
          --concurrency N    append requests in flight [32]
          --batch N          events per request in the batched append phase [100]
          --group-events N   events the consumer-group phase drains [40000]
          --consumers N      consumers of the group, each reading and acking in a loop [4]
          --read-count N     count of each group read [100]
          --gateway-dll PATH the gateway to launch [<repo>/gateway/bin/Release/net10.0/OrleansRealtime.Gateway.dll]
          --output DIR       where the markdown report goes [<repo>/bench/results]
        """;

    public IReadOnlyList<string> Backends { get; private set; } = ["memory", "redis"];

    public int Runs { get; private set; } = 3;

    public double DurationSeconds { get; private set; } = 5;

    public int Concurrency { get; private set; } = 32;

    public int Batch { get; private set; } = 100;

    public int GroupEvents { get; private set; } = 40_000;

    public int Consumers { get; private set; } = 4;

    public int ReadCount { get; private set; } = 100;

    /// <summary>The options handed to the fanout harness's gateway launcher (gateway dll and output directory).</summary>
    public List<string> HarnessArguments { get; } = [];

    public static StreamsOptions Parse(IReadOnlyList<string> args)
    {
        var options = new StreamsOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--backends":
                    var backends = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
                    options.Backends = backends.Count > 0 && backends.All(b => b is "memory" or "redis")
                        ? backends
                        : throw new ArgumentException("--backends takes memory and/or redis");
                    break;
                case "--runs": options.Runs = PositiveInt(name, Value()); break;
                case "--duration":
                    options.DurationSeconds = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0
                        ? d : throw new ArgumentException($"{name} expects a positive number");
                    break;
                case "--concurrency": options.Concurrency = PositiveInt(name, Value()); break;
                case "--batch": options.Batch = PositiveInt(name, Value()); break;
                case "--group-events": options.GroupEvents = PositiveInt(name, Value()); break;
                case "--consumers": options.Consumers = PositiveInt(name, Value()); break;
                case "--read-count": options.ReadCount = PositiveInt(name, Value()); break;
                case "--gateway-dll" or "--output": options.HarnessArguments.AddRange([name, Value()]); break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        return options;
    }

    public string Describe() =>
        $"backends={string.Join(',', Backends)}, runs={Runs}, duration={DurationSeconds.ToString(CultureInfo.InvariantCulture)} s, " +
        $"concurrency={Concurrency}, batch={Batch}, group-events={GroupEvents}, consumers={Consumers}, read-count={ReadCount}";

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} expects a positive integer, got '{value}'");
}
