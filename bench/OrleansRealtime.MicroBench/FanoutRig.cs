using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.MicroBench;

/// <summary>
/// One channel feed with N live local WebSocket sessions, built from the gateway's own types without a cluster, host
/// or socket: what the fan-out benchmarks and the allocation tests drive. <see cref="Deliver"/> is the gateway's real
/// fan-out (encode once, offer to every session's send queue, count once); <see cref="Drain"/> empties the queues
/// the way writer loops would, so the next delivery finds them as a live gateway does.
/// </summary>
/// <remarks>Shared as source with the unit tests (one rig, two users); nothing here talks to Orleans.</remarks>
internal sealed class FanoutRig : IDisposable
{
    /// <summary>A 100-byte JSON payload, the fan-out benchmark's size.</summary>
    public static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"text\":\"" + new string('x', 89) + "\"}");

    private readonly ServiceProvider _provider;
    private readonly ChannelFeedRegistry _feeds;
    private readonly SessionServices _services;
    private readonly Session[] _sessions;
    private long _offset;

    /// <param name="limitsOptions">The gateway's limits (queue sizes above all); the defaults when null.</param>
    public FanoutRig(int subscribers, MeterListenerKind listener = MeterListenerKind.None, LimitsOptions? limitsOptions = null)
    {
        _provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var time = TimeProvider.System;
        var limits = Options.Create(limitsOptions ?? new LimitsOptions());
        var gateway = Options.Create(new GatewayOptions());
        var metrics = new RealtimeMetrics(_provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        Listener = listener == MeterListenerKind.MetricsReader ? new MetricsReader(metrics) : null;

        // No cluster: the fan-out path never calls it (the feed is driven directly, as a stream delivery would).
        var cluster = new ClusterAccess(client: null!, metrics, NullLogger<ClusterAccess>.Instance);
        var feeds = _feeds = new ChannelFeedRegistry(cluster, gateway, limits, metrics, time, NullLogger<ChannelFeed>.Instance);
        var services = _services = new SessionServices(
            limits,
            gateway,
            cluster,
            feeds,
            new PatternFeedRegistry(cluster, gateway, metrics, time, NullLogger<PatternFeed>.Instance),
            new StreamFeedRegistry(cluster, gateway, limits, metrics, time, NullLogger<ChannelFeed>.Instance),
            new SessionRegistry(limits, metrics),
            metrics,
            new TokenValidator(Options.Create(new AuthOptions()), time),
            new UserRateLimiter(client: null!, limits, time),
            Options.Create(new AuthOptions()),
            time,
            NullLogger<Session>.Instance);

        Feed = new ChannelFeed(new ChannelFeedLog("bench", cluster), feeds);
        _sessions = new Session[subscribers];
        for (var i = 0; i < subscribers; i++)
        {
            _sessions[i] = NewSession($"c-{i}");
            Feed.Add(_sessions[i], filter: null).Pending = null;
        }
    }

    public ChannelFeed Feed { get; }

    /// <summary>Another feed of the rig's gateway, following <paramref name="log"/> (a scripted one, in tests).</summary>
    public ChannelFeed NewFeed(IFeedLog log) => new(log, _feeds);

    /// <summary>A WebSocket session of the rig's gateway, with no subscription and nothing draining its queue.</summary>
    public Session NewSession(string connectionId) =>
        new(connectionId, new ClientIdentity($"user-{connectionId}", Grants.Anonymous, ExpiresAt: null), TransportKind.WebSocket, _services);

    /// <summary>The gateway's JSON metrics reader, when asked for: a listener on every instrument, as in production.</summary>
    public MetricsReader? Listener { get; }

    public int Subscribers => _sessions.Length;

    /// <summary>The next message of the channel, as a stream delivery would bring it.</summary>
    public ChannelMessage NextMessage() =>
        new("bench", ++_offset, "e1", Payload, "user-0", 1_764_000_000_000, MessagePriority.Normal);

    /// <summary>Fans one message out to every session's queue, as the feed does for a stream event.</summary>
    public void Deliver(ChannelMessage message) => Feed.Deliver(message);

    /// <summary>Empties every send queue, as the writer loops would; returns the frames taken.</summary>
    public int Drain()
    {
        var frames = 0;
        foreach (var session in _sessions)
        {
            while (session.Outbound.TryDequeue(out _))
                frames++;
        }

        return frames;
    }

    public void Dispose()
    {
        Listener?.Dispose();
        _provider.Dispose();
    }
}

/// <summary>Which metrics listener the rig runs with.</summary>
internal enum MeterListenerKind
{
    None,

    /// <summary>The gateway's own <see cref="MetricsReader"/> (the <c>/api/metrics</c> snapshot), listening to every instrument.</summary>
    MetricsReader,
}
