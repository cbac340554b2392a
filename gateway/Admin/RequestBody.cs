using System.Buffers;
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

    private static ProtocolException TooLarge(int maxBytes) => new(ErrorCode.TooLarge, $"body exceeds {maxBytes} bytes");
}
