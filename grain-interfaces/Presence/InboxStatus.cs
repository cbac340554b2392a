namespace OrleansRealtime.Presence;

/// <summary>A user's inbox for the admin API.</summary>
/// <param name="Pending">Messages waiting for the next connection (before bounds and TTL are applied at delivery).</param>
/// <param name="Dropped">Messages dropped so far: over the bound, past the TTL, or no longer in history.</param>
[GenerateSerializer, Immutable, Alias("rt.InboxStatus")]
public sealed record InboxStatus(
    [property: Id(0)] long Pending,
    [property: Id(1)] long Dropped);
