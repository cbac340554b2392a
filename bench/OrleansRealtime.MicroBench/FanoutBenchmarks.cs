using BenchmarkDotNet.Attributes;

namespace OrleansRealtime.MicroBench;

/// <summary>
/// One message fanned out by a channel feed to N local sessions' send queues (encode once, offer to each queue, count
/// once), then the queues drained as writer loops would. Allocated bytes per operation must not grow with N: that is
/// the "nothing allocated per subscriber" property (also asserted by a unit test).
/// </summary>
[MemoryDiagnoser]
public class FanoutBenchmarks : IDisposable
{
    private FanoutRig _rig = null!;

    [Params(1, 100, 1000)]
    public int Subscribers { get; set; }

    /// <summary>With the gateway's JSON metrics reader listening to every instrument, as a running gateway has.</summary>
    [Params(false, true)]
    public bool MetricsListener { get; set; }

    [GlobalSetup]
    public void Setup() => _rig = new FanoutRig(Subscribers, MetricsListener ? MeterListenerKind.MetricsReader : MeterListenerKind.None);

    [GlobalCleanup]
    public void Dispose()
    {
        _rig?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public int FanoutOneMessage()
    {
        _rig.Deliver(_rig.NextMessage());
        return _rig.Drain();
    }
}
