namespace OrleansRealtime.Presence;

/// <summary>
/// A user grain's persisted state: small, written on connects, disconnects, joins, leaves and status changes, never
/// per direct message (those go to the user's direct log in the history store).
/// </summary>
[GenerateSerializer, Alias("rt.UserState")]
public sealed class UserState
{
    /// <summary>Live connections by id: the gateway each is on and the rooms it joined.</summary>
    [Id(0)]
    public Dictionary<string, UserConnectionState> Connections { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The status set while online (<see cref="PresenceStatus.Online"/> unless the user chose another).</summary>
    [Id(1)]
    public PresenceStatus Status { get; set; }

    [Id(2)]
    public byte[]? State { get; set; }

    [Id(3)]
    public long LastSeenMs { get; set; }

    /// <summary>The direct log's offset up to which messages were delivered or handed to a connection.</summary>
    [Id(4)]
    public long InboxCursor { get; set; }

    /// <summary>The direct log's epoch <see cref="InboxCursor"/> belongs to; null before the first handover.</summary>
    [Id(5)]
    public string? InboxEpoch { get; set; }

    [Id(6)]
    public long Dropped { get; set; }
}

[GenerateSerializer, Alias("rt.UserConnectionState")]
public sealed class UserConnectionState
{
    [Id(0)]
    public string Gateway { get; set; } = string.Empty;

    [Id(1)]
    public HashSet<string> Rooms { get; set; } = new(StringComparer.Ordinal);
}
