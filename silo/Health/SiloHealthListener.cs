using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Silo.Health;

/// <summary>
/// The standalone silo's probe endpoints for Kubernetes, on <c>Orleans:HealthPort</c> (none when unset, so silos
/// started side by side on one machine need no extra port): <c>GET /health/live</c> answers 200 while the process
/// serves requests; <c>GET /health/ready</c> answers 200 only while this silo is <c>Active</c> in the cluster's
/// membership (joined, not yet shutting down), 503 otherwise. A bare Kestrel server with one request delegate: the
/// silo has no other HTTP surface, so it needs no routing, middleware or health-check framework.
/// </summary>
/// <remarks>
/// Registered before the silo, so liveness answers while the silo is still joining its cluster; it binds the same
/// addresses as the silo ports (<see cref="RealtimeClusterOptions.ListenOnAnyAddress"/>).
/// </remarks>
internal sealed partial class SiloHealthListener(
    RealtimeClusterOptions options, IServiceProvider services, ILoggerFactory loggers, ILogger<SiloHealthListener> logger)
    : IHostedService
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.HealthPort is not { } port)
            return;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggers);
        builder.Services.AddLogging();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            if (options.ListenOnAnyAddress)
                kestrel.ListenAnyIP(port);
            else
                kestrel.Listen(options.AdvertisedAddress, port);
        });

        var server = builder.Build();
        server.Run(AnswerAsync);
        await server.StartAsync(cancellationToken);
        _server = server;
        LogListening(logger, options.ListenOnAnyAddress ? "*" : options.AdvertisedAddress.ToString(), port);
    }

    // Hosted services stop in reverse order: this one, registered first, stops last, so the probes answer (readiness
    // with 503 once the silo is shutting down) until the silo has left its cluster.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
            return;
        await _server.StopAsync(cancellationToken);
        await _server.DisposeAsync();
        _server = null;
    }

    private Task AnswerAsync(HttpContext context)
    {
        var (status, text) = context.Request.Path.Value switch
        {
            LivePath => (StatusCodes.Status200OK, "Healthy"),
            ReadyPath => IsActive() ? (StatusCodes.Status200OK, "Healthy") : (StatusCodes.Status503ServiceUnavailable, "Unhealthy: the silo is not active in its cluster"),
            _ => (StatusCodes.Status404NotFound, "Not found"),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    // Resolved per request: the membership service belongs to the silo, which may still be starting.
    private bool IsActive()
    {
        var membership = services.GetRequiredService<IClusterMembershipService>();
        var self = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        return membership.CurrentSnapshot.GetSiloStatus(self) == SiloStatus.Active;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Silo health endpoints /health/live and /health/ready listen on {Address}:{Port}")]
    private static partial void LogListening(ILogger logger, string address, int port);
}
