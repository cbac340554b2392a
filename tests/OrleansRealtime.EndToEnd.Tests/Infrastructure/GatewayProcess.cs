using System.Net;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A gateway process (<c>gateway/bin/&lt;Configuration&gt;/net10.0/OrleansRealtime.Gateway.dll</c>) as a pure Orleans
/// client of the test's silos, serving HTTP on a free loopback port; ready once <c>GET /health/ready</c> answers 200.
/// </summary>
public sealed class GatewayProcess : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private const int StartAttempts = 3;
    private static readonly TimeSpan ReadinessPollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReadinessRequestTimeout = TimeSpan.FromSeconds(5);

    private GatewayProcess(ManagedProcess process, string gatewayId, Uri baseUri)
    {
        Process = process;
        GatewayId = gatewayId;
        BaseUri = baseUri;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
    }

    public ManagedProcess Process { get; }

    /// <summary><c>Realtime:GatewayId</c>, as the welcome frame reports it.</summary>
    public string GatewayId { get; }

    public Uri BaseUri { get; }

    /// <summary>A client for the gateway's REST API and health endpoints.</summary>
    public HttpClient Http { get; }

    public Uri WebSocketUri(string query = "") =>
        new($"ws://{BaseUri.Host}:{BaseUri.Port}/ws{(query.Length > 0 ? "?" + query : string.Empty)}");

    /// <summary>Opens a WebSocket connection and reads its welcome frame.</summary>
    public Task<RealtimeTestClient> ConnectAsync(string query = "") => RealtimeTestClient.ConnectAsync(WebSocketUri(query));

    /// <summary>Starts a gateway and waits until it is ready; tries another HTTP port when the process exits early.</summary>
    public static async Task<GatewayProcess> StartAsync(string gatewayId, ClusterSettings cluster)
    {
        for (var attempt = 1; ; attempt++)
        {
            var environment = cluster.Environment();
            environment["Realtime__GatewayId"] = gatewayId;
            environment["Realtime__Auth__AllowAnonymous"] = "true";
            environment["Realtime__Limits__MessagesPerSecond"] = "1000000";
            if (cluster.Clustering == Clustering.Localhost)
            {
                environment["Orleans__GatewayPort"] = ClusterSettings.Port(
                    cluster.SiloGatewayPort ?? throw new InvalidOperationException("Localhost clustering needs the silo's gateway port."));
            }

            var baseUri = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var process = ManagedProcess.StartDotnet(
                $"gateway {gatewayId}", [BuildOutput.GatewayAssembly, "--urls", baseUri.ToString().TrimEnd('/')], environment, BuildOutput.GatewayDirectory);
            var gateway = new GatewayProcess(process, gatewayId, baseUri);
            try
            {
                await gateway.WaitUntilReadyAsync(StartTimeout);
                return gateway;
            }
            catch (ProcessExitedException) when (attempt < StartAttempts)
            {
                gateway.Dispose();
            }
            catch
            {
                gateway.Dispose();
                throw;
            }
        }
    }

    /// <summary>SIGTERM: the gateway drains (see <see cref="ManagedProcess.Terminate"/>).</summary>
    public void Terminate() => Process.Terminate();

    /// <summary>SIGKILL: the gateway and every connection on it vanish without a close handshake.</summary>
    public void Kill() => Process.Kill();

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var timer = new PeriodicTimer(ReadinessPollInterval);
        var last = "no answer yet";
        do
        {
            if (Process.HasExited)
            {
                await Process.Exited;
                throw new ProcessExitedException($"{Process.Name} (pid {Process.Id}) exited before it was ready. {Process.DescribeOutput()}");
            }

            try
            {
                using var request = new CancellationTokenSource(ReadinessRequestTimeout);
                using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative), request.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(request.Token)}";
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                last = ex.Message;
            }
        }
        while (await WaitForNextPollAsync(timer, deadline.Token));

        throw new TimeoutException(
            $"{Process.Name} (pid {Process.Id}) was not ready within {timeout.TotalSeconds:F0} s; last /health/ready answer: {last}. {Process.DescribeOutput()}");
    }

    private static async Task<bool> WaitForNextPollAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
