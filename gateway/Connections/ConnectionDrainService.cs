using Microsoft.Extensions.Options;

namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// Drains the gateway when the host stops (SIGTERM), before the server stops listening: new connections are refused
/// with <c>unavailable</c> and <c>/health/ready</c> fails at once; after <see cref="DrainOptions.DelaySeconds"/> every
/// connection is closed with the reconnectable <c>shutdown</c> reason, so clients move to another gateway (resuming with
/// <c>since</c>) instead of waiting out the shutdown timeout; then it waits (bounded) for those connections to end. The
/// presence lease is released afterwards by <see cref="Cluster.PresenceLeaseService"/>, while the cluster client still runs.
/// </summary>
/// <remarks>
/// <see cref="IHostedLifecycleService.StoppingAsync"/> runs for every hosted service before any of them stops, so this
/// happens before Kestrel stops accepting and before the Orleans client goes.
/// </remarks>
internal sealed partial class ConnectionDrainService(
    SessionRegistry sessions,
    IOptions<DrainOptions> options,
    TimeProvider time,
    ILogger<ConnectionDrainService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(50);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        sessions.StopAccepting();
        var drain = options.Value;
        LogDraining(logger, sessions.Count, drain.DelaySeconds);
        try
        {
            if (drain.DelaySeconds > 0)
                await Task.Delay(TimeSpan.FromSeconds(drain.DelaySeconds), time, cancellationToken);

            foreach (var session in sessions.All)
                session.Close(Protocol.CloseReason.Shutdown);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(drain.CloseSeconds));
            while (sessions.Count > 0)
                await Task.Delay(PollPeriod, time, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout or CloseSeconds ran out: stop with what is left; those connections just end.
        }

        LogDrained(logger, sessions.Count);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1250, Level = LogLevel.Information, Message = "Draining: refusing new connections; closing {Connections} connections with 'shutdown' in {DelaySeconds} s")]
    private static partial void LogDraining(ILogger logger, int connections, int delaySeconds);

    [LoggerMessage(EventId = 1251, Level = LogLevel.Information, Message = "Drained: {Remaining} connections still open")]
    private static partial void LogDrained(ILogger logger, int remaining);
}
