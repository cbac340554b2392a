using OrleansRealtime.Bench.Load.Subscribers;

namespace OrleansRealtime.Bench.Harness;

/// <summary>What serves the subscribers.</summary>
internal enum ServerKind
{
    /// <summary>The real gateway process, embedded silo (the product's default deployment on one machine).</summary>
    Gateway,

    /// <summary>The bench's own minimal Kestrel broadcast server: the machine's practical ceiling.</summary>
    Raw,
}

/// <summary>
/// One measured system: a server, how the subscribers talk to it, and any gateway setting it needs (the publisher
/// always uses a plain WebSocket).
/// </summary>
internal sealed record BenchSystem(string Name, ServerKind Kind, SubscriberTransport Transport, IReadOnlyDictionary<string, string>? GatewayEnvironment = null)
{
    public const string RawName = "raw-websocket";

    /// <summary>The baseline of <c>--transports</c>: plain WebSocket subscribers on the gateway.</summary>
    public const string WebSocketName = "websocket";

    public static readonly BenchSystem OrleansRealtime = new("orleans-realtime", ServerKind.Gateway, SubscriberTransport.WebSocket);
    public static readonly BenchSystem OrleansRealtimeBatch = new("orleans-realtime-batch", ServerKind.Gateway, SubscriberTransport.WebSocketBatch);
    public static readonly BenchSystem RawWebSocket = new(RawName, ServerKind.Raw, SubscriberTransport.WebSocket);

    /// <summary>What <c>--systems</c> chooses from: the gateway against the machine's ceiling.</summary>
    public static readonly IReadOnlyList<BenchSystem> All = [OrleansRealtime, OrleansRealtimeBatch, RawWebSocket];

    /// <summary>What <c>--transports</c> chooses from: the gateway, one subscriber transport each.</summary>
    public static readonly IReadOnlyList<BenchSystem> Transports =
    [
        new(WebSocketName, ServerKind.Gateway, SubscriberTransport.WebSocket),
        new("websocket-batch", ServerKind.Gateway, SubscriberTransport.WebSocketBatch),
        new("websocket-deflate", ServerKind.Gateway, SubscriberTransport.WebSocketDeflate,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["Realtime__Transports__WebSocketCompression"] = "true" }),
        new("sse", ServerKind.Gateway, SubscriberTransport.Sse),
        new("polling", ServerKind.Gateway, SubscriberTransport.Polling),
        new("signalr", ServerKind.Gateway, SubscriberTransport.SignalR),
    ];

    public bool IsGateway => Kind == ServerKind.Gateway;

    /// <summary>Parses a comma-separated list of names from <paramref name="known"/>, in order, without repeats.</summary>
    public static IReadOnlyList<BenchSystem> ParseList(string names, IReadOnlyList<BenchSystem> known, string option)
    {
        var systems = new List<BenchSystem>();
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var system = known.FirstOrDefault(s => s.Name == name)
                ?? throw new ArgumentException($"unknown name '{name}' in {option}; known: {string.Join(", ", known.Select(s => s.Name))}");
            if (!systems.Contains(system))
                systems.Add(system);
        }

        return systems.Count > 0 ? systems : throw new ArgumentException($"{option} names nothing");
    }
}
