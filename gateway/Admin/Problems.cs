using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Admin;

/// <summary>RFC 7807 problem answers carrying the protocol's error <c>code</c>, for REST routes and refused handshakes.</summary>
internal static class Problems
{
    /// <param name="statusCode">The HTTP status when it is more precise than the code's own (409 for a conflicting create).</param>
    public static IResult For(ErrorCode code, string detail, int? statusCode = null) =>
        Results.Problem(
            detail: detail,
            statusCode: statusCode ?? code.ToHttpStatus(),
            title: code.ToWire(),
            extensions: new Dictionary<string, object?> { ["code"] = code.ToWire() });

    public static IResult For(ProtocolException exception) => For(exception.Code, exception.Message);

    /// <summary>Writes a problem straight to a response (for handlers that are not endpoints returning results).</summary>
    public static Task WriteAsync(HttpContext context, ErrorCode code, string detail) => For(code, detail).ExecuteAsync(context);
}
