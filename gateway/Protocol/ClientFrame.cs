using OrleansRealtime.Channels;

namespace OrleansRealtime.Gateway.Protocol;

/// <summary>
/// One parsed client frame. Raw JSON values (<see cref="Id"/>, <see cref="Data"/>, <see cref="Filter"/>) are slices of
/// the buffer the frame was parsed from: they are valid while that buffer is, and copied where they must outlive it.
/// </summary>
internal sealed class ClientFrame
{
    public ClientFrameType Type { get; set; }

    /// <summary>The <c>type</c> string as sent, for error messages.</summary>
    public string? TypeName { get; set; }

    /// <summary>The raw JSON of <c>id</c> (a number or a string), echoed verbatim in the answer; empty when absent.</summary>
    public ReadOnlyMemory<byte> Id { get; set; }

    public string? Channel { get; set; }

    public string? Pattern { get; set; }

    public string? Stream { get; set; }

    public string? Room { get; set; }

    public bool HasSince { get; set; }

    public long SinceOffset { get; set; }

    public string? SinceEpoch { get; set; }

    public bool HasData { get; set; }

    /// <summary>The raw JSON of <c>data</c>.</summary>
    public ReadOnlyMemory<byte> Data { get; set; }

    public ReadOnlyMemory<byte> Filter { get; set; }

    public MessagePriority Priority { get; set; } = MessagePriority.Normal;

    public int? Limit { get; set; }

    /// <summary>The event name of a <c>room.send</c>.</summary>
    public string? Event { get; set; }

    /// <summary>The recipient of a <c>direct</c> message.</summary>
    public string? To { get; set; }

    /// <summary>The status of a <c>presence.set</c>, as sent.</summary>
    public string? Status { get; set; }

    /// <summary>The raw JSON object of a <c>presence.set</c>'s custom <c>state</c>; empty when absent.</summary>
    public ReadOnlyMemory<byte> State { get; set; }

    /// <summary>The users of a <c>presence.get</c>.</summary>
    public List<string>? Users { get; set; }

    /// <summary>A <c>presence.get</c> that also watches the users' presence changes.</summary>
    public bool Watch { get; set; }

    /// <summary>The token of an <c>auth</c> frame.</summary>
    public string? Token { get; set; }

    /// <summary>The first problem found while parsing; the frame is answered with it (and its id, when readable).</summary>
    public string? Error { get; set; }

    public bool HasId => !Id.IsEmpty;
}
