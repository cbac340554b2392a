namespace OrleansRealtime.Bench.Load.Dialects;

/// <summary>What a subscriber's subscribe request was answered with.</summary>
internal enum SubscribeAnswer
{
    /// <summary>The message is not the answer (a ping, a frame of another kind): keep waiting.</summary>
    None,

    Accepted,

    Refused,
}

/// <summary>Where a reconnecting subscriber left off: the last sequence it received and, on the gateway, the channel's epoch.</summary>
internal sealed record ResumePoint(long Last, string? Epoch);

/// <summary>
/// How the load generator speaks to one system over a plain WebSocket: the gateway's protocol, the raw relay's, the
/// SignalR JSON hub protocol or Socket.IO's. The generator never parses JSON per message: every dialect wraps the same
/// payload (<see cref="BenchPayload"/>), whose sequence number and publisher timestamp are found with span searches,
/// and recognizes its few control messages by their bytes. Set-up frames (handshake, subscribe) may allocate; per
/// message nothing does.
/// </summary>
internal abstract class WireDialect
{
    /// <summary>The WebSocket endpoint's path on the server.</summary>
    public abstract string Path { get; }

    /// <summary>What the report and errors call the dialect.</summary>
    public abstract string Name { get; }

    /// <summary>The sequence number's key in a delivered message: the gateway's channel offset, or the publisher's id.</summary>
    public abstract ReadOnlySpan<byte> SequenceKey { get; }

    /// <summary>Whether the system answers every publish (the publisher then keeps a window of publishes in flight).</summary>
    public abstract bool AnswersPublishes { get; }

    /// <summary>Whether sequence numbers are the channel's own offsets (they then survive a reconnect with recovery).</summary>
    public virtual bool HasOffsets => false;

    /// <summary>The query string of a publisher's (true) or a subscriber's (false) connection.</summary>
    public virtual string Query(bool publisher) => string.Empty;

    /// <summary>What the client sends first, right after the WebSocket opened (a protocol handshake), or null.</summary>
    public virtual byte[]? Opening => null;

    /// <summary>A frame a client must send now and then to stay connected when the server does not ping it, or null.</summary>
    public virtual byte[]? KeepAlive => null;

    /// <summary>True when <paramref name="message"/> is the server's greeting, after which the client may subscribe and publish.</summary>
    public abstract bool IsWelcome(ReadOnlySpan<byte> message);

    /// <summary>The subscribe request for <paramref name="channel"/> (with recovery from <paramref name="resume"/> where the system has it), or null when the system has no subscribe.</summary>
    public abstract byte[]? Subscribe(string channel, ResumePoint? resume);

    /// <summary>Reads a message received while a subscribe is pending; <paramref name="offset"/> is the channel's top offset and <paramref name="epoch"/> its epoch where the system has them.</summary>
    public abstract SubscribeAnswer ReadSubscribeAnswer(ReadOnlySpan<byte> message, out long offset, out string? epoch);

    /// <summary>What an accepted subscribe answer with recovery says about it (the gateway's <c>recovered</c>); null where the system does not say.</summary>
    public virtual bool? ReadRecovered(ReadOnlySpan<byte> answer) => null;

    /// <summary>Whether a received message that carried no delivery is one a report should show (the gateway's <c>close</c> and <c>error</c> frames).</summary>
    public virtual bool IsIncident(ReadOnlySpan<byte> message) => false;

    /// <summary>
    /// Writes a publish of one <see cref="BenchPayload"/> to <paramref name="channel"/>: <paramref name="sequence"/> is the
    /// message's number in its channel (where the system has no offsets), <paramref name="request"/> the publisher's own
    /// number for the answer. Returns its length.
    /// </summary>
    public abstract int WritePublish(Span<byte> destination, ReadOnlySpan<byte> channel, long sequence, long request, long timestamp);

    /// <summary>Publish answers in one message the publisher received (a SignalR message may carry several); <paramref name="errors"/> of them refused.</summary>
    public abstract int CountPublishAnswers(ReadOnlySpan<byte> message, out int errors);

    /// <summary>The answer a client owes the server for <paramref name="message"/> (a pong to its ping), or null.</summary>
    public virtual byte[]? Reply(ReadOnlySpan<byte> message) => null;

    /// <summary>Counts the occurrences of <paramref name="token"/> in <paramref name="message"/>.</summary>
    protected static int Occurrences(ReadOnlySpan<byte> message, ReadOnlySpan<byte> token)
    {
        var count = 0;
        for (var at = message.IndexOf(token); at >= 0; at = message.IndexOf(token))
        {
            count++;
            message = message[(at + token.Length)..];
        }

        return count;
    }
}
