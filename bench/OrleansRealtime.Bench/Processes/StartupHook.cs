using System.Globalization;
using System.IO.Pipes;
using System.Text;

/// <summary>
/// Loaded into a gateway only by the <c>memory</c> verb (<c>DOTNET_STARTUP_HOOKS=&lt;this bench's dll&gt;</c>): a
/// background thread that, each time the bench connects to its pipe, runs a full blocking compacting GC and answers
/// the live managed heap. The runtime looks the hook up by this exact name in the global namespace. It costs one
/// parked thread and nothing per connection, so it does not bend what it measures.
/// </summary>
#pragma warning disable CA1050 // Declare types in namespaces: the runtime requires the global namespace.
internal static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize() =>
        new Thread(Serve) { IsBackground = true, Name = "bench-gc-probe" }.Start();

    private static void Serve()
    {
        var name = OrleansRealtime.Bench.Processes.GcProbe.PipeName(Environment.ProcessId);
        while (true)
        {
            using var pipe = new NamedPipeServerStream(name, PipeDirection.InOut, 1);
            pipe.WaitForConnection();
            if (pipe.ReadByte() < 0)
                continue;

            // Twice, with finalizers in between: objects a finalizer frees are gone too.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            var answer = string.Create(CultureInfo.InvariantCulture, $"{GC.GetTotalMemory(forceFullCollection: false)} {info.TotalCommittedBytes}\n");
            pipe.Write(Encoding.ASCII.GetBytes(answer));
            pipe.Flush();
        }
    }
}
