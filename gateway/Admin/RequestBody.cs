using System.Buffers;
using System.Text.Json;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>Reads HTTP request bodies under a size limit, for REST routes and the HTTP transports alike.</summary>
internal static class RequestBody
{
    /// <summary>Reads the whole body; <c>too_large</c> (413) as soon as it is known to exceed <paramref name="maxBytes"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
            throw TooLarge(maxBytes);

        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(request.ContentLength ?? 4096, 1, maxBytes + 1L));
        while (true)
        {
            var memory = buffer.GetMemory(Math.Min(8192, maxBytes + 1 - buffer.WrittenCount));
            var read = await request.Body.ReadAsync(memory, request.HttpContext.RequestAborted);
            if (read == 0)
                return buffer.WrittenMemory;
            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
                throw TooLarge(maxBytes);
        }
    }

    /// <summary>Reads a body of at most <paramref name="maxBytes"/> that must be exactly one JSON value.</summary>
    public static async Task<byte[]> ReadJsonValueAsync(HttpRequest request, int maxBytes)
    {
        var body = await ReadAsync(request, maxBytes);
        if (!IsSingleJsonValue(body.Span))
            throw ProtocolException.BadRequest("the body must be one JSON value (the message data)");
        return body.ToArray();
    }

    private static bool IsSingleJsonValue(ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            return false;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = ClientFrameParser.MaxDepth });
            if (!reader.Read())
                return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ProtocolException TooLarge(int maxBytes) => new(ErrorCode.TooLarge, $"body exceeds {maxBytes} bytes");
}
