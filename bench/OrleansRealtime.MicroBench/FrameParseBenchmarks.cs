using System.Text;
using BenchmarkDotNet.Attributes;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.MicroBench;

/// <summary>Parsing the client frames a gateway receives most: a publish with a 100-byte payload, and a ping.</summary>
[MemoryDiagnoser]
public class FrameParseBenchmarks
{
    private readonly byte[] _publish = Encoding.UTF8.GetBytes(
        "{\"id\":3,\"type\":\"publish\",\"channel\":\"news\",\"data\":" + Encoding.UTF8.GetString(FanoutRig.Payload) + ",\"priority\":\"high\"}");

    private readonly byte[] _ping = Encoding.UTF8.GetBytes("{\"id\":13,\"type\":\"ping\"}");
    private readonly List<ClientFrame> _frames = new(4);

    [Benchmark]
    public int ParsePublish() => Parse(_publish);

    [Benchmark]
    public int ParsePing() => Parse(_ping);

    private int Parse(byte[] utf8)
    {
        _frames.Clear();
        if (!ClientFrameParser.TryParse(utf8, _frames, out var error))
            throw new InvalidOperationException(error);
        return _frames.Count;
    }
}
