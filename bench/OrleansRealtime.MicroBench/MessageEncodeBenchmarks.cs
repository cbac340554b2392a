using BenchmarkDotNet.Attributes;
using OrleansRealtime.Channels;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.MicroBench;

/// <summary>Encoding one publication as the <c>message</c> frame every local subscriber gets (done once per message per gateway).</summary>
[MemoryDiagnoser]
public class MessageEncodeBenchmarks
{
    private readonly ChannelMessage _message = new("news", 42, "e1", FanoutRig.Payload, "user-1", 1_764_000_000_000, MessagePriority.Normal);

    [Benchmark]
    public int EncodeMessage() => FrameWriter.Message(_message).Utf8.Length;
}
