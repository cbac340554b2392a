using System.Diagnostics;

namespace OrleansRealtime.Bench.Load;

/// <summary>
/// Tells whether the load generator itself is the bottleneck. A dedicated thread queues a work item to the thread
/// pool every 10 ms and records how long it waited to run: the receive loops run on that pool, so this lag is added
/// to every latency sample and, when it grows, the generator is not keeping up. CPU time comes from the process.
/// </summary>
internal sealed class GeneratorProbe : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);

    private readonly Thread _thread;
    private readonly ManualResetEventSlim _ran = new();
    private readonly Lock _lock = new();
    private readonly LatencyHistogram _lag = new();
    private volatile bool _stopped;

    public GeneratorProbe()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "generator-probe" };
        _thread.Start();
    }

    /// <summary>Starts a new measurement window: returns the lag recorded since the previous one.</summary>
    public LatencyHistogram TakeLag()
    {
        var copy = new LatencyHistogram();
        lock (_lock)
        {
            copy.Add(_lag);
            _lag.Reset();
        }

        return copy;
    }

    public static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private void Loop()
    {
        while (!_stopped)
        {
            _ran.Reset();
            var queued = Stopwatch.GetTimestamp();
            ThreadPool.UnsafeQueueUserWorkItem(static ran => ran.Set(), _ran, preferLocal: false);
            _ran.Wait(TimeSpan.FromSeconds(5));
            var lag = Stopwatch.GetElapsedTime(queued);
            lock (_lock)
                _lag.Record((long)(lag.TotalMilliseconds * 1000));
            Thread.Sleep(Period);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join(TimeSpan.FromSeconds(1));
        _ran.Dispose();
    }
}
