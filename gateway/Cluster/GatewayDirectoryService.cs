using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateways;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// Keeps this gateway in the cluster's <see cref="IGatewayDirectoryGrain"/>: once the server listens, renews its lease
/// at a third of the lease the directory answers, each time with its load and its <see cref="GatewayCommands"/>
/// observer (Orleans observer references must be refreshed), and leaves the directory on shutdown.
/// </summary>
internal sealed partial class GatewayDirectoryService(
    IClusterClient client,
    GatewayCommands commands,
    GatewayInfo gateway,
    MetricsReader metrics,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<GatewayDirectoryService> logger) : BackgroundService
{
    /// <summary>Until the directory has answered once (or after a failure), retry this often.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    private IGatewayObserver? _observer;
    private long _lastDelivered;
    private long _lastTimestamp;

    private IGatewayDirectoryGrain Directory => client.GetGrain<IGatewayDirectoryGrain>(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The address is known once the server listens, which is after hosted services start.
        if (!await StartedAsync(stoppingToken))
            return;

        _observer = client.CreateObjectReference<IGatewayObserver>(commands);
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? string.Empty;
        (_lastDelivered, _lastTimestamp) = (Delivered(metrics.Snapshot()), time.GetTimestamp());
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = RetryInterval;
            try
            {
                var lease = await Directory.RenewAsync(Registration(address), _observer).AsTask().WaitAsync(stoppingToken);
                wait = lease / 3;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRenewFailed(logger, ex, gateway.GatewayId);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_observer is null)
            return;
        try
        {
            await Directory.LeaveAsync(gateway.GatewayId).AsTask().WaitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            // The lease lapses on its own; leaving only makes it immediate.
            LogLeaveFailed(logger, ex, gateway.GatewayId);
        }
        finally
        {
            client.DeleteObjectReference<IGatewayObserver>(_observer);
        }
    }

    private GatewayRegistration Registration(string address)
    {
        var snapshot = metrics.Snapshot();
        var delivered = Delivered(snapshot);
        var now = time.GetTimestamp();
        var seconds = time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        var rate = seconds > 0 ? Math.Round((delivered - _lastDelivered) / seconds, 3) : 0;
        (_lastDelivered, _lastTimestamp) = (delivered, now);

        var connections = snapshot.GetValueOrDefault("realtime.connections")?.By?.GetValueOrDefault("transport");
        var load = new GatewayLoad(
            connections is null ? new Dictionary<string, long>() : new Dictionary<string, long>(connections, StringComparer.Ordinal),
            snapshot.GetValueOrDefault(RealtimeGauges.Subscriptions)?.Value ?? 0,
            snapshot.GetValueOrDefault(RealtimeGauges.Feeds)?.Value ?? 0,
            rate);
        return new GatewayRegistration(gateway.GatewayId, address, gateway.StartedAt, load);
    }

    private static long Delivered(IReadOnlyDictionary<string, MetricValue> snapshot) =>
        snapshot.GetValueOrDefault("realtime.messages.delivered")?.Value ?? 0;

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning, Message = "Gateway '{GatewayId}' could not renew its lease in the gateway directory; retrying")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string gatewayId);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Gateway '{GatewayId}' could not leave the gateway directory; its lease will lapse")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string gatewayId);
}
