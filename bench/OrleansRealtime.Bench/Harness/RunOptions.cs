using static OrleansRealtime.Bench.Harness.OptionValues;

namespace OrleansRealtime.Bench.Harness;

/// <summary>What a verb's options offer <see cref="BenchHost"/>: the shared part and a description of every effective value.</summary>
internal interface IBenchOptions
{
    RunOptions Run { get; }

    /// <summary>Every effective value, defaults included, so a report says exactly what ran.</summary>
    string Describe();
}

/// <summary>The options every measuring verb shares: how many runs, how connections open, which gateway, where the report goes.</summary>
internal sealed class RunOptions
{
    public const string Help =
        """
          --runs N                 runs per system; systems are interleaved within each run [3]
          --connect-parallelism N  connections opening at once [32]
          --gateway-dll PATH       the gateway to launch [<repo>/gateway/bin/Release/net10.0/OrleansRealtime.Gateway.dll]
          --gateway-env K=V        extra environment for the gateway, repeatable (e.g. Orleans__StreamPollingPeriodMs=1)
          --output DIR             where the markdown report goes [<repo>/bench/results]
          --redis HOST:PORT        Redis for the systems of several nodes [a redis-server the bench starts and stops]
        """;

    private readonly Dictionary<string, string> _gatewayEnvironment = new(StringComparer.Ordinal);

    public int Runs { get; private set; } = 3;

    public int ConnectParallelism { get; private set; } = 32;

    public string? GatewayDll { get; private set; }

    public IReadOnlyDictionary<string, string> GatewayEnvironment => _gatewayEnvironment;

    public string? OutputDirectory { get; private set; }

    /// <summary>A Redis the caller runs (bench/run starts one); null: the bench starts its own when a system needs one.</summary>
    public string? Redis { get; private set; }

    /// <summary>
    /// Reads <paramref name="args"/>: each option goes to <paramref name="verbOption"/> first (true when it took it),
    /// then to the shared ones; anything else throws <see cref="ArgumentException"/> with a message for the user.
    /// </summary>
    public void Parse(IReadOnlyList<string> args, Func<string, Func<string>, bool> verbOption)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            if (!verbOption(name, Value) && !Option(name, Value))
                throw new ArgumentException($"unknown option '{name}'");
        }
    }

    public string Describe()
    {
        var env = _gatewayEnvironment.Count == 0 ? "none" : string.Join(' ', _gatewayEnvironment.Select(kv => $"{kv.Key}={kv.Value}"));
        return $"runs={Runs}, extra gateway env: {env}";
    }

    private bool Option(string name, Func<string> value)
    {
        switch (name)
        {
            case "--runs": Runs = PositiveInt(name, value()); return true;
            case "--connect-parallelism": ConnectParallelism = PositiveInt(name, value()); return true;
            case "--gateway-dll": GatewayDll = value(); return true;
            case "--gateway-env":
                var (key, pair) = EnvironmentPair(name, value());
                _gatewayEnvironment[key] = pair;
                return true;
            case "--output": OutputDirectory = value(); return true;
            case "--redis": Redis = value(); return true;
            default: return false;
        }
    }
}
