using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansRealtime.Bench.Processes;

namespace OrleansRealtime.Bench.Streams;

/// <summary>A <c>redis-server</c> of the bench's own on a free loopback port (no persistence), stopped by PID like every child.</summary>
internal sealed class RedisProcess : IDisposable
{
    private readonly ChildProcess _process;

    private RedisProcess(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Pid;

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var child = ChildProcess.Start(
                "redis-server",
                "redis-server",
                ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--logfile", string.Empty],
                Path.GetTempPath(),
                new Dictionary<string, string>());
            var redis = new RedisProcess(child, port);
            try
            {
                await redis.WaitReadyAsync(cancellationToken);
                return redis;
            }
            catch (InvalidOperationException) when (attempt < 3 && child.HasExited)
            {
                redis.Dispose();
            }
            catch
            {
                redis.Dispose();
                throw;
            }
        }
    }

    public void Dispose() => _process.Dispose();

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"redis-server exited before it was ready. Output:{Environment.NewLine}{_process.Tail}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
                using var reader = new StreamReader(stream, Encoding.ASCII);
                if (await reader.ReadLineAsync(cancellationToken) == "+PONG")
                    return;
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"redis-server on port {Port} did not answer PING. Output:{Environment.NewLine}{_process.Tail}");
    }
}
