using OrleansRealtime.Gateway.Protocol;
using OrleansRealtime.Gateway.Security;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>Authentication, authorization and rate limits: the rules every transport inherits through the session.</summary>
internal sealed partial class Session
{
    private readonly long _opened;
    private readonly TokenBucket _frameRate;
    private readonly TokenBucket _strikes;
    private ClientIdentity? _identity;

    /// <summary>
    /// <c>auth</c>: validates the token and makes it the connection's identity. On an unauthenticated connection this
    /// is the first thing allowed; later it refreshes the token (and its grants and expiry) for the same user.
    /// </summary>
    private async ValueTask AuthenticateAsync(ClientFrame frame, bool answer)
    {
        if (frame.Token is not { Length: > 0 } token)
            throw ProtocolException.BadRequest("missing field 'token'");

        var identity = await _services.Tokens.ValidateAsync(token);
        var current = Identity;
        if (current is { IsAnonymous: false } && current.UserId != identity.UserId)
            throw new ProtocolException(ErrorCode.Forbidden, $"a token refresh must be for the same user ('{current.UserId}'), not '{identity.UserId}'");

        Volatile.Write(ref _identity, identity);
        IdentityChanged();
        if (answer)
            Send(FrameWriter.AuthAck(frame.Id, identity.UserId, identity.ExpiresAt));
    }

    /// <summary>Throws <c>unauthorized</c> until the connection has an identity; only <c>auth</c> and pings come before.</summary>
    private ClientIdentity RequireIdentity() =>
        Identity ?? throw new ProtocolException(ErrorCode.Unauthorized, "authenticate first: send an 'auth' frame with a token");

    private static void Authorize(bool allowed, string action, string name)
    {
        if (!allowed)
            throw new ProtocolException(ErrorCode.Forbidden, $"not allowed to {action} '{Truncate(name)}'");
    }

    /// <summary>
    /// Admits a frame under the per-connection and per-user rates; a refused frame is answered with
    /// <c>rate_limited</c> and counts as a strike.
    /// </summary>
    private async ValueTask<bool> AdmitAsync(ClientFrame frame)
    {
        if (frame.Type is ClientFrameType.Ping or ClientFrameType.Pong or ClientFrameType.Auth)
            return true;

        var (allowed, retryAfter) = _frameRate.TryTake(out var connectionWait)
            ? Identity is { } identity ? await TakeUserBudgetAsync(identity.UserId) : (true, TimeSpan.Zero)
            : (false, connectionWait);
        if (allowed)
            return true;

        var retryMs = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
        _services.Metrics.Error(ErrorCode.RateLimited);
        Send(FrameWriter.Error(frame.Id, ErrorCode.RateLimited, $"more than {_services.Limits.MessagesPerSecond} frames per second; retry after {retryMs} ms", retryMs));
        Strike();
        return false;
    }

    /// <summary>
    /// The user's cross-gateway budget. When it cannot be asked (the cluster is unreachable, or the call fails), the
    /// frame is admitted — the connection's own bucket still applies — and meets the outage in its own handler, which
    /// answers <c>unavailable</c>: the limiter never breaks a connection.
    /// </summary>
    private async ValueTask<(bool Allowed, TimeSpan RetryAfter)> TakeUserBudgetAsync(string userId)
    {
        try
        {
            return await _services.UserRates.TryTakeAsync(userId);
        }
        catch (Exception ex)
        {
            LogUserBudgetUnavailable(_services.Logger, ex, ConnectionId);
            return (true, TimeSpan.Zero);
        }
    }

    /// <summary>Counts a refused frame; a connection that keeps sending them past the abuse threshold is closed (1008).</summary>
    private void Strike()
    {
        if (!_strikes.TryTake(out _))
            Close(Protocol.CloseReason.PolicyViolation);
    }

    /// <summary>Why the connection must close for authentication reasons now, if it must.</summary>
    private CloseReason? AuthenticationLapsed(long now)
    {
        var identity = Identity;
        if (identity is null)
        {
            return _services.Time.GetElapsedTime(_opened, now) >= TimeSpan.FromSeconds(_services.Auth.AuthTimeoutSeconds)
                ? Protocol.CloseReason.Unauthorized
                : null;
        }

        return identity.ExpiresAt is { } expires && _services.Time.GetUtcNow() > expires + TimeSpan.FromSeconds(_services.Auth.ClockSkewSeconds)
            ? Protocol.CloseReason.TokenExpired
            : null;
    }
}
