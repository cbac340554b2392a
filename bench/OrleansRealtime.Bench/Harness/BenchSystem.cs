using OrleansRealtime.Bench.Load.Dialects;
using OrleansRealtime.Bench.Load.Subscribers;

namespace OrleansRealtime.Bench.Harness;

/// <summary>What serves the subscribers.</summary>
internal enum ServerKind
{
    /// <summary>The real gateway process, embedded silo (the product's default deployment on one machine).</summary>
    Gateway,

    /// <summary>The bench's own minimal Kestrel broadcast server: the machine's practical ceiling.</summary>
    Raw,

    /// <summary>Gateway processes (pure Orleans clients) and one silo process, clustered through Redis.</summary>
    GatewayCluster,

    /// <summary>The ASP.NET Core SignalR peer (bench/peers/signalr); several nodes share the Redis backplane.</summary>
    SignalR,

    /// <summary>The Socket.IO 4 peer (bench/peers/socketio); several nodes share the Redis adapter.</summary>
    SocketIo,
}

/// <summary>
/// One measured system: a server (one or <see cref="Nodes"/> processes), how the subscribers talk to it, and any
/// gateway setting it needs (the publisher always uses a plain WebSocket, on the first node).
/// </summary>
internal sealed record BenchSystem(string Name, ServerKind Kind, SubscriberTransport Transport, IReadOnlyDictionary<string, string>? GatewayEnvironment = null, int Nodes = 1)
{
    public const string RawName = "raw-websocket";

    /// <summary>The baseline of <c>--transports</c>: plain WebSocket subscribers on the gateway.</summary>
    public const string WebSocketName = "websocket";

    public static readonly BenchSystem OrleansRealtime = new("orleans-realtime", ServerKind.Gateway, SubscriberTransport.WebSocket);
    public static readonly BenchSystem OrleansRealtimeBatch = new("orleans-realtime-batch", ServerKind.Gateway, SubscriberTransport.WebSocketBatch);
    public static readonly BenchSystem RawWebSocket = new(RawName, ServerKind.Raw, SubscriberTransport.WebSocket);

    /// <summary><c>fanout</c>'s default: the gateway against the machine's ceiling.</summary>
    public static readonly IReadOnlyList<BenchSystem> All = [OrleansRealtime, OrleansRealtimeBatch, RawWebSocket];

    /// <summary>The systems users would pick instead, and ours on two gateways: what <c>compare</c> runs (see bench/README.md).</summary>
    public static readonly IReadOnlyList<BenchSystem> Compared =
    [
        OrleansRealtime,
        new("orleans-realtime-2gw", ServerKind.GatewayCluster, SubscriberTransport.WebSocket, Nodes: 2),
        new("signalr", ServerKind.SignalR, SubscriberTransport.WebSocket),
        new("signalr-redis-2n", ServerKind.SignalR, SubscriberTransport.WebSocket, Nodes: 2),
        new("socketio", ServerKind.SocketIo, SubscriberTransport.WebSocket),
        new("socketio-redis-2n", ServerKind.SocketIo, SubscriberTransport.WebSocket, Nodes: 2),
        RawWebSocket,
    ];

    /// <summary>What <c>--systems</c> chooses from.</summary>
    public static readonly IReadOnlyList<BenchSystem> Known = [.. All, .. Compared.Where(s => !All.Contains(s))];

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

        // WebSocket again, on a gateway whose grains live in a separate silo (Redis clustering), as deployed.
        new("websocket-silo", ServerKind.GatewayCluster, SubscriberTransport.WebSocket),
    ];

    public bool IsGateway => Kind is ServerKind.Gateway or ServerKind.GatewayCluster;

    /// <summary>Several nodes share their subscriptions through Redis (the Orleans cluster, the backplane, the adapter).</summary>
    public bool NeedsRedis => Kind == ServerKind.GatewayCluster || Nodes > 1;

    /// <summary>How a plain WebSocket client (the publisher, <see cref="SubscriberTransport.WebSocket"/> subscribers) speaks to it.</summary>
    public WireDialect Dialect => Kind switch
    {
        ServerKind.Raw => RawDialect.Instance,
        ServerKind.SignalR => SignalRJsonDialect.Instance,
        ServerKind.SocketIo => SocketIoDialect.Instance,
        _ => Transport == SubscriberTransport.WebSocketBatch ? GatewayDialect.Batched : GatewayDialect.Frames,
    };

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
