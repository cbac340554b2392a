namespace OrleansRealtime.Streams;

/// <summary>The durable stream does not exist (it was never created, or it was deleted).</summary>
[GenerateSerializer, Alias("rt.StreamNotFoundException")]
public sealed class StreamNotFoundException : Exception
{
    public StreamNotFoundException()
    {
    }

    public StreamNotFoundException(string message)
        : base(message)
    {
    }

    public StreamNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
