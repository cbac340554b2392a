namespace OrleansRealtime.Gateway.Protocol;

/// <summary>
/// A request the protocol refuses, with the code and a message safe to show the client. Thrown by validation and by
/// the cluster access layer; the session and the REST layer turn it into an <c>error</c> frame or a problem.
/// </summary>
internal sealed class ProtocolException : Exception
{
    public ProtocolException(ErrorCode code, string message)
        : base(message) => Code = code;

    public ProtocolException(ErrorCode code, string message, Exception innerException)
        : base(message, innerException) => Code = code;

    public ErrorCode Code { get; }

    public static ProtocolException BadRequest(string message) => new(ErrorCode.BadRequest, message);
}
