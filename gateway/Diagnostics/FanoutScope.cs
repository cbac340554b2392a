using System.Diagnostics;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>
/// One message's fan-out on this gateway, from <see cref="RealtimeMetrics.StartFanout"/> to its disposal: records the
/// latency from publication to the moment every local subscriber has the frame queued, and ends the delivery span.
/// A struct used with <c>using</c>: nothing is allocated per message when no tracer listens.
/// </summary>
internal readonly struct FanoutScope(RealtimeMetrics metrics, TimeProvider time, long publishedUnixMs, Activity? activity) : IDisposable
{
    public void Dispose()
    {
        metrics.FanoutLatency(time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(publishedUnixMs));
        activity?.Dispose();
    }
}
