using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A standalone silo process (<c>silo/bin/&lt;Configuration&gt;/net10.0/OrleansRealtime.Silo.dll</c>), ready once it logs
/// <see cref="ReadyLine"/>.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    /// <summary>What silo/ReadinessAnnouncer.cs logs once the silo has joined its cluster and accepts clients.</summary>
    public const string ReadyLine = "OrleansRealtime silo ready";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private const int StartAttempts = 3;

    private SiloProcess(ManagedProcess process, SiloPorts ports)
    {
        Process = process;
        Ports = ports;
    }

    public ManagedProcess Process { get; }

    public SiloPorts Ports { get; }

    public string Name => Process.Name;

    /// <summary>
    /// Starts a silo and waits until it is ready. Without <paramref name="ports"/> it takes free ones, and tries new
    /// ones when the process exits early (another process may take a port between picking and binding it).
    /// </summary>
    public static async Task<SiloProcess> StartAsync(string name, ClusterSettings cluster, SiloPorts? ports = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var chosen = ports ?? new SiloPorts(FreePort.Next(), FreePort.Next());
            var environment = cluster.Environment();
            environment["Orleans__SiloPort"] = ClusterSettings.Port(chosen.SiloPort);
            environment["Orleans__GatewayPort"] = ClusterSettings.Port(chosen.GatewayPort);

            var process = ManagedProcess.StartDotnet(name, [BuildOutput.SiloAssembly], environment, BuildOutput.SiloDirectory);
            try
            {
                await process.WaitForOutputAsync(ReadyLine, StartTimeout);
                return new SiloProcess(process, chosen);
            }
            catch (ProcessExitedException) when (ports is null && attempt < StartAttempts)
            {
                process.Dispose();
            }
            catch
            {
                process.Dispose();
                throw;
            }
        }
    }

    /// <summary>SIGTERM: the silo leaves the cluster gracefully (see <see cref="ManagedProcess.Terminate"/>).</summary>
    public void Terminate() => Process.Terminate();

    /// <summary>SIGKILL: the silo vanishes without leaving the cluster.</summary>
    public void Kill() => Process.Kill();

    public void Dispose() => Process.Dispose();
}

/// <summary>The silo-to-silo port and the port clients (gateways) connect to.</summary>
public readonly record struct SiloPorts(int SiloPort, int GatewayPort);
