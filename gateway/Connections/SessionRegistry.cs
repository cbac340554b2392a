using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// This gateway's live sessions by connection id, and the connection limit. Connection ids are 128 random bits:
/// the SSE and polling endpoints act as the connection named in their URL, so an id is a secret of its client.
/// </summary>
internal sealed class SessionRegistry(IOptions<LimitsOptions> limits, RealtimeMetrics metrics)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly int _maxConnections = limits.Value.MaxConnections;
    private int _count;
    private volatile bool _draining;

    public int Count => Volatile.Read(ref _count);

    /// <summary>False once the gateway drains for shutdown: new connections are refused and readiness fails.</summary>
    public bool IsAccepting => !_draining;

    public ICollection<Session> All => _sessions.Values;

    /// <summary>Creates and registers a session, or throws <c>limit_exceeded</c> when the gateway is full.</summary>
    public Session Open(ClientIdentity? identity, TransportKind transport, SessionServices services)
    {
        if (_draining)
            throw new ProtocolException(ErrorCode.Unavailable, "this gateway is shutting down: connect to another one");

        if (Interlocked.Increment(ref _count) > _maxConnections)
        {
            Interlocked.Decrement(ref _count);
            throw new ProtocolException(ErrorCode.LimitExceeded, $"this gateway accepts at most {_maxConnections} connections");
        }

        var session = new Session(NewConnectionId(), identity, transport, services);
        _sessions[session.ConnectionId] = session;
        metrics.ConnectionOpened(transport.Name);
        return session;
    }

    /// <summary>From now on <see cref="Open"/> answers <c>unavailable</c>: the gateway is draining before it stops.</summary>
    public void StopAccepting() => _draining = true;

    /// <summary>The live session with this id, if this gateway holds it.</summary>
    public Session? Find(string connectionId) => _sessions.GetValueOrDefault(connectionId);

    public void Remove(Session session)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, Session>(session.ConnectionId, session)))
        {
            Interlocked.Decrement(ref _count);
            metrics.ConnectionClosed(session.Transport);
        }
    }

    private static string NewConnectionId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return "c-" + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
