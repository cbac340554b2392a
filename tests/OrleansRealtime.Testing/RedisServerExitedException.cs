namespace OrleansRealtime.Testing;

/// <summary>The <c>redis-server</c> process ended before it was ready (usually: its port was taken meanwhile).</summary>
public sealed class RedisServerExitedException : Exception
{
    public RedisServerExitedException()
    {
    }

    public RedisServerExitedException(string message)
        : base(message)
    {
    }

    public RedisServerExitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
