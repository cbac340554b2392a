namespace OrleansRealtime.Presence;

/// <summary>A user's presence as everyone sees it.</summary>
/// <param name="User">The user id.</param>
/// <param name="Status">Offline unless a connection on some gateway holds a lease.</param>
/// <param name="LastSeenMs">Unix ms of the last connect, disconnect or status change; 0 for a user never seen.</param>
/// <param name="State">Custom state (a JSON object, UTF-8) set with the status, e.g. <c>{"typing":true}</c>; null when none.</param>
[GenerateSerializer, Immutable, Alias("rt.UserPresence")]
public sealed record UserPresence(
    [property: Id(0)] string User,
    [property: Id(1)] PresenceStatus Status,
    [property: Id(2)] long LastSeenMs,
    [property: Id(3)] byte[]? State);
