using System.Runtime.InteropServices;

namespace OrleansRealtime.Bench.Processes;

/// <summary>
/// A bench command's stop signal: Ctrl+C and SIGTERM cancel <see cref="Token"/> (the command then stops the servers it
/// started and exits), and the process' exit stops every <see cref="ChildProcess"/> whatever happened before.
/// Also warns when the bench is a Debug build, whose numbers are not comparable.
/// </summary>
internal sealed class BenchCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _sigterm;

    public BenchCancellation()
    {
#if DEBUG
        Console.Error.WriteLine("!!! This is a Debug build of the bench: numbers are not comparable. Use `dotnet run -c Release`.");
#endif
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("Interrupted: stopping the servers this bench started.");
            _source.Cancel();
        };
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            _source.Cancel();
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();
    }

    public CancellationToken Token => _source.Token;

    public bool IsCancellationRequested => _source.IsCancellationRequested;

    public void Dispose()
    {
        _sigterm.Dispose();
        _source.Dispose();
    }
}
