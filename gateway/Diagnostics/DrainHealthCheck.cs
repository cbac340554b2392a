using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansRealtime.Gateway.Connections;

namespace OrleansRealtime.Gateway.Diagnostics;

/// <summary>Not ready once the gateway drains for shutdown, so load balancers send new clients elsewhere.</summary>
internal sealed class DrainHealthCheck(SessionRegistry sessions) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(sessions.IsAccepting
            ? HealthCheckResult.Healthy("accepting connections")
            : HealthCheckResult.Unhealthy("draining: shutting down, connect to another gateway"));
}
