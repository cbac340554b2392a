namespace OrleansRealtime.Presence;

/// <summary>A user's status. <see cref="Offline"/> is never set by a client: it is what a user without a live connection is.</summary>
[GenerateSerializer]
public enum PresenceStatus : byte
{
    Offline = 0,
    Online = 1,
    Away = 2,
    Busy = 3,
}

public static class PresenceStatuses
{
    public static string ToWire(this PresenceStatus status) => status switch
    {
        PresenceStatus.Online => "online",
        PresenceStatus.Away => "away",
        PresenceStatus.Busy => "busy",
        _ => "offline",
    };

    /// <summary>Parses a status a client may set: <c>online</c>, <c>away</c> or <c>busy</c>.</summary>
    public static bool TryParseSettable(string? value, out PresenceStatus status)
    {
        status = value switch
        {
            "online" => PresenceStatus.Online,
            "away" => PresenceStatus.Away,
            "busy" => PresenceStatus.Busy,
            _ => PresenceStatus.Offline,
        };
        return status != PresenceStatus.Offline;
    }
}
