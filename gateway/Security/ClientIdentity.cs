namespace OrleansRealtime.Gateway.Security;

/// <summary>Who a connection belongs to and what it may do; <see cref="ExpiresAt"/> is null for anonymous users.</summary>
internal sealed record ClientIdentity(string UserId, Grants Grants, DateTimeOffset? ExpiresAt)
{
    public bool IsAnonymous => ExpiresAt is null;
}
