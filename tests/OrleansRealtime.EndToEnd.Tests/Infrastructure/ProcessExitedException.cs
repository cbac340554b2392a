namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>A process ended before it was ready (its message carries the process's output).</summary>
public sealed class ProcessExitedException : Exception
{
    public ProcessExitedException()
    {
    }

    public ProcessExitedException(string message)
        : base(message)
    {
    }

    public ProcessExitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
