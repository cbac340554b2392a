using System.Buffers.Text;

namespace OrleansRealtime.Bench.Load;

/// <summary>
/// The wire bytes the generator writes and the few fields it reads back. The publisher's send time travels inside
/// the message's <c>data</c> (<see cref="System.Diagnostics.Stopwatch"/> ticks: generator and servers share one
/// machine and the ticks never leave this process), so every subscriber measures publish → receive latency per message.
/// Receivers never parse JSON: they find the sequence field and the timestamp with span searches.
/// </summary>
internal static class BenchPayload
{
    /// <summary>Size of the <c>data</c> object of every publication.</summary>
    public const int DataBytes = 100;

    /// <summary>Room for a whole publish frame: the 100-byte data plus the envelope.</summary>
    public const int MaxFrameBytes = 256;

    public const string Channel = "bench";

    /// <summary>In <c>data</c>: <c>{"t":&lt;ticks&gt;,"p":"xxx…"}</c>. <c>"t":</c> cannot match the frame's <c>"ts":</c>.</summary>
    public static ReadOnlySpan<byte> TimestampKey => "\"t\":"u8;

    /// <summary>The gateway's message frames carry the channel offset.</summary>
    public static ReadOnlySpan<byte> OffsetKey => "\"offset\":"u8;

    /// <summary>The raw server relays the publish frame itself, whose id is the publisher's sequence number.</summary>
    public static ReadOnlySpan<byte> IdKey => "\"id\":"u8;

    public static ReadOnlySpan<byte> PingFrame => "\"type\":\"ping\""u8;

    public static byte[] PongFrame { get; } = "{\"type\":\"pong\"}"u8.ToArray();

    public static ReadOnlySpan<byte> AckType => "\"type\":\"ack\""u8;

    public static ReadOnlySpan<byte> ErrorType => "\"type\":\"error\""u8;

    public static ReadOnlySpan<byte> WelcomeType => "\"type\":\"welcome\""u8;

    public static byte[] SubscribeFrame { get; } = "{\"id\":1,\"type\":\"subscribe\",\"channel\":\"bench\"}"u8.ToArray();

    /// <summary>A subscribe that resumes after <paramref name="offset"/> of <paramref name="epoch"/>: replay from history, then live.</summary>
    public static byte[] SubscribeSinceFrame(long offset, string epoch) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = 1,
            ["type"] = "subscribe",
            ["channel"] = Channel,
            ["since"] = new System.Text.Json.Nodes.JsonObject { ["offset"] = offset, ["epoch"] = epoch },
        });

    /// <summary>Writes <c>{"id":N,"type":"publish","channel":"bench","data":{"t":T,"p":"x…"}}</c> with a 100-byte data object.</summary>
    public static int WritePublish(Span<byte> destination, long id, long timestamp)
    {
        var written = 0;
        Append(destination, ref written, "{\"id\":"u8);
        Number(destination, ref written, id);
        Append(destination, ref written, ",\"type\":\"publish\",\"channel\":\"bench\",\"data\":"u8);

        var dataStart = written;
        Append(destination, ref written, "{\"t\":"u8);
        Number(destination, ref written, timestamp);
        Append(destination, ref written, ",\"p\":\""u8);
        var padding = DataBytes - (written - dataStart) - 2;
        destination.Slice(written, padding).Fill((byte)'x');
        written += padding;
        Append(destination, ref written, "\"}"u8);

        Append(destination, ref written, "}"u8);
        return written;
    }

    /// <summary>
    /// Reads the next (sequence, timestamp) pair at or after <paramref name="position"/>: the number after
    /// <paramref name="sequenceKey"/>, then the number after the next <c>"t":</c>. Works on one frame and on a JSON
    /// array of frames alike (call again from the returned position).
    /// </summary>
    public static bool TryReadNext(ReadOnlySpan<byte> message, ReadOnlySpan<byte> sequenceKey, ref int position, out long sequence, out long timestamp)
    {
        sequence = timestamp = 0;
        return TryReadNumberAfter(message, sequenceKey, ref position, out sequence)
            && TryReadNumberAfter(message, TimestampKey, ref position, out timestamp);
    }

    public static bool TryReadNumberAfter(ReadOnlySpan<byte> message, ReadOnlySpan<byte> key, ref int position, out long value)
    {
        value = 0;
        var found = message[position..].IndexOf(key);
        if (found < 0)
            return false;
        position += found + key.Length;
        if (!Utf8Parser.TryParse(message[position..], out value, out var consumed))
            return false;
        position += consumed;
        return true;
    }

    private static void Append(Span<byte> destination, ref int written, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[written..]);
        written += bytes.Length;
    }

    private static void Number(Span<byte> destination, ref int written, long value)
    {
        Utf8Formatter.TryFormat(value, destination[written..], out var n);
        written += n;
    }
}
