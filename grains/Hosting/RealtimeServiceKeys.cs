namespace OrleansRealtime.Hosting;

/// <summary>Keys of services the realtime grains resolve as keyed services.</summary>
public static class RealtimeServiceKeys
{
    /// <summary>
    /// The <see cref="TimeProvider"/> behind message timestamps, history expiry and subscriber leases. It defaults to
    /// the silo's unkeyed <see cref="TimeProvider"/>. It has a key of its own because Orleans resolves its membership,
    /// messaging and stream-pulling clocks from that unkeyed provider as well: a test that installs a fake clock for
    /// the realtime grains under this key leaves the runtime on real time.
    /// </summary>
    public const string Clock = "OrleansRealtime.Clock";
}
