namespace OrleansRealtime.Streams;

/// <summary>What a durable stream carries. The type is descriptive: every type has the same semantics today.</summary>
[GenerateSerializer]
public enum StreamType : byte
{
    Event = 0,
    Data = 1,
    Log = 2,
    Metrics = 3,
    Video = 4,
    Audio = 5,
}

/// <summary>The wire names of <see cref="StreamType"/> (lowercase), in one place for parsing and writing.</summary>
public static class StreamTypes
{
    /// <summary>The accepted names, as an error message lists them.</summary>
    public const string Names = "event, data, log, metrics, video, audio";

    public static string ToWire(this StreamType type) => type switch
    {
        StreamType.Event => "event",
        StreamType.Data => "data",
        StreamType.Log => "log",
        StreamType.Metrics => "metrics",
        StreamType.Video => "video",
        StreamType.Audio => "audio",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown stream type."),
    };

    /// <summary>Parses a wire name; exact lowercase only, as every other enum value of the protocol.</summary>
    public static bool TryParse(string? value, out StreamType type)
    {
        (var known, type) = value switch
        {
            "event" => (true, StreamType.Event),
            "data" => (true, StreamType.Data),
            "log" => (true, StreamType.Log),
            "metrics" => (true, StreamType.Metrics),
            "video" => (true, StreamType.Video),
            "audio" => (true, StreamType.Audio),
            _ => (false, StreamType.Event),
        };
        return known;
    }
}
