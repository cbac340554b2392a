namespace OrleansRealtime;

/// <summary>Names of the Orleans stream provider and stream namespaces shared by silos and gateways.</summary>
public static class StreamNames
{
    /// <summary>The stream provider every silo and gateway registers.</summary>
    public const string Provider = "realtime";

    /// <summary>Namespace of channel streams; the stream key is the channel name.</summary>
    public const string Channel = "channel";

    /// <summary>
    /// Namespace of pattern streams; the stream key is the pattern (e.g. <c>metrics.*</c>). A channel publishes to a
    /// pattern stream only while a gateway has registered that pattern and the channel matches it.
    /// </summary>
    public const string Pattern = "pattern";

    /// <summary>Namespace of durable streams' live batches; the stream key is the stream id.</summary>
    public const string Stream = "stream";

    /// <summary>Grain storage that holds stream subscriptions (the pub-sub rendezvous).</summary>
    public const string PubSubStore = "PubSubStore";
}
