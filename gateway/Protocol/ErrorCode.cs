namespace OrleansRealtime.Gateway.Protocol;

/// <summary>The closed set of error codes on the wire (frames and RFC 7807 problems alike).</summary>
internal enum ErrorCode
{
    /// <summary>Malformed JSON, unknown frame type, a missing or wrongly typed field, an invalid name or enum value.</summary>
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    RateLimited,
    TooLarge,

    /// <summary>A configured limit: connections, subscriptions or rooms per connection.</summary>
    LimitExceeded,

    /// <summary>The cluster did not answer; the client may retry.</summary>
    Unavailable,
    Internal,
}

internal static class ErrorCodes
{
    public static string ToWire(this ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => "bad_request",
        ErrorCode.Unauthorized => "unauthorized",
        ErrorCode.Forbidden => "forbidden",
        ErrorCode.NotFound => "not_found",
        ErrorCode.RateLimited => "rate_limited",
        ErrorCode.TooLarge => "too_large",
        ErrorCode.LimitExceeded => "limit_exceeded",
        ErrorCode.Unavailable => "unavailable",
        _ => "internal",
    };

    /// <summary>The HTTP status a REST answer with this code carries.</summary>
    public static int ToHttpStatus(this ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => StatusCodes.Status400BadRequest,
        ErrorCode.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCode.NotFound => StatusCodes.Status404NotFound,
        ErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorCode.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCode.LimitExceeded => StatusCodes.Status429TooManyRequests,
        ErrorCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
