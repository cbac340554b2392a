namespace OrleansRealtime.Gateway.Connections;

/// <summary>
/// On shutdown, closes every connection with the reconnectable <c>shutdown</c> reason before the server stops, so
/// clients move to another gateway at once instead of waiting out the shutdown timeout.
/// </summary>
internal sealed class ConnectionDrainService(SessionRegistry sessions, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            foreach (var session in sessions.All)
                session.Close(Protocol.CloseReason.Shutdown);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
