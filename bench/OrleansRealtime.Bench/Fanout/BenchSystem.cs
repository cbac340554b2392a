namespace OrleansRealtime.Bench.Fanout;

/// <summary>What serves the subscribers.</summary>
internal enum ServerKind
{
    /// <summary>The real gateway process, embedded silo (the product's default deployment on one machine).</summary>
    Gateway,

    /// <summary>The bench's own minimal Kestrel broadcast server: the machine's practical ceiling.</summary>
    Raw,
}

/// <summary>One measured system: a server and how the subscribers talk to it.</summary>
internal sealed record BenchSystem(string Name, ServerKind Kind, bool Batch)
{
    public const string RawName = "raw-websocket";

    public static readonly BenchSystem OrleansRealtime = new("orleans-realtime", ServerKind.Gateway, Batch: false);
    public static readonly BenchSystem OrleansRealtimeBatch = new("orleans-realtime-batch", ServerKind.Gateway, Batch: true);
    public static readonly BenchSystem RawWebSocket = new(RawName, ServerKind.Raw, Batch: false);

    public static readonly IReadOnlyList<BenchSystem> All = [OrleansRealtime, OrleansRealtimeBatch, RawWebSocket];

    public static IReadOnlyList<BenchSystem> ParseList(string names)
    {
        var systems = new List<BenchSystem>();
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var system = All.FirstOrDefault(s => s.Name == name)
                ?? throw new ArgumentException($"unknown system '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}");
            if (!systems.Contains(system))
                systems.Add(system);
        }

        return systems.Count > 0 ? systems : throw new ArgumentException("--systems names no system");
    }
}
