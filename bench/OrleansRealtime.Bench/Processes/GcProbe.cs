using System.Globalization;
using System.IO.Pipes;

namespace OrleansRealtime.Bench.Processes;

/// <summary>The live managed heap of a process after a full GC (bytes), and what the GC had committed for it.</summary>
internal readonly record struct GcHeap(long LiveBytes, long CommittedBytes);

/// <summary>
/// Asks a process started with <see cref="StartupHookEnvironment"/> for its managed heap after a full GC (see
/// <c>StartupHook</c>). RSS alone depends on when the server GC last ran; this does not.
/// </summary>
internal static class GcProbe
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static string PipeName(int pid) => $"orleansrealtime-bench-gc-{pid}";

    /// <summary>The environment that loads the probe into a .NET process: this bench's own assembly as a startup hook.</summary>
    public static KeyValuePair<string, string> StartupHookEnvironment(string benchDll) => new("DOTNET_STARTUP_HOOKS", benchDll);

    public static async Task<GcHeap> CollectAsync(int pid, CancellationToken cancellationToken)
    {
        await using var pipe = new NamedPipeClientStream(".", PipeName(pid), PipeDirection.InOut, PipeOptions.Asynchronous);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        await pipe.ConnectAsync(timeout.Token);
        await pipe.WriteAsync(new byte[] { 1 }, timeout.Token);
        await pipe.FlushAsync(timeout.Token);
        using var reader = new StreamReader(pipe);
        var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException($"process {pid} closed the GC probe without an answer");
        var parts = line.Split(' ');
        return new GcHeap(long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
