using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Cluster;
using OrleansRealtime.Gateway.Connections;
using OrleansRealtime.Gateway.Diagnostics;
using OrleansRealtime.Gateway.Hubs;
using OrleansRealtime.Gateway.Security;
using OrleansRealtime.Gateway.Transports;
using OrleansRealtime.Gateway.Transports.LongPolling;
using OrleansRealtime.Gateway.Transports.Sse;
using OrleansRealtime.Gateway.Transports.WebSockets;
using OrleansRealtime.Hosting;
using OrleansRealtime.Streams;
using StackExchange.Redis;

namespace OrleansRealtime.Gateway.Hosting;

/// <summary>Registers and maps the whole gateway; Program.cs is these two calls.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>The address the gateway serves when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    public static WebApplicationBuilder AddRealtimeGateway(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cluster = RealtimeClusterOptions.From(configuration);
        if (cluster.Clustering == ClusteringMode.Embedded)
            builder.AddRealtimeSilo();
        else
            builder.AddRealtimeClusterClient();

        if (string.IsNullOrEmpty(configuration["urls"]))
            builder.WebHost.UseUrls(DefaultUrl);

        var services = builder.Services;
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<TransportOptions>().Bind(configuration.GetSection(TransportOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FeedOptions>().Bind(configuration.GetSection(FeedOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PresenceLeaseOptions>().Bind(configuration.GetSection(PresenceLeaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StreamOptions>().Bind(configuration.GetSection(StreamOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DrainOptions>().Bind(configuration.GetSection(DrainOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RealtimeMetrics>();
        services.AddSingleton<ClusterAccess>();
        services.AddSingleton<ChannelFeedRegistry>();
        services.AddSingleton<PatternFeedRegistry>();
        services.AddSingleton<StreamFeedRegistry>();
        services.AddSingleton<SessionRegistry>();
        services.AddSingleton<SessionServices>();
        services.AddSingleton<ClientIdentityResolver>();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<UserRateLimiter>();
        services.AddSingleton<OriginPolicy>();
        services.AddSingleton<AdminAccess>();
        services.AddSingleton<WebSocketTransport>();
        services.AddSingleton<SseTransport>();
        services.AddSingleton<PollingTransport>();
        services.AddSingleton<HubConnections>();
        services.AddSignalR().AddJsonProtocol();
        services.AddOptions<HubOptions>().Configure<IOptions<LimitsOptions>>((hub, limits) =>
        {
            // A hub message is the frame's object plus SignalR's envelope.
            hub.MaximumReceiveMessageSize = limits.Value.MaxFrameBytes + 1024;
            hub.EnableDetailedErrors = false;
        });
        services.AddHostedService<HeartbeatService>();
        services.AddHostedService<FeedMaintenanceService>();
        services.AddSingleton<GatewayCommands>();
        services.AddHostedService<GatewayDirectoryService>();
        services.AddHostedService<PresenceLeaseService>();
        services.AddSingleton<IClusterConnectionStatusObserver, ClusterConnectionObserver>();
        services.AddHostedService<ConnectionDrainService>();

        var health = services.AddHealthChecks().AddCheck<DrainHealthCheck>("drain", tags: ["ready"]).AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        if (cluster.RedisConnectionString is { Length: > 0 } redis)
        {
            services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
            health.AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }

        services.AddProblemDetails();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<OriginPolicy>((cors, origins) => cors.AddDefaultPolicy(policy =>
        {
            // The same reading of Realtime:AllowedOrigins as the handshake check: one rule for both.
            if (origins.AllowsAny)
                policy.SetIsOriginAllowed(_ => true);
            else
                policy.WithOrigins([.. origins.Origins]);
            policy.AllowAnyHeader().AllowAnyMethod().AllowCredentials();
        }));
        services.AddRealtimeOpenApi();
        builder.AddRealtimeObservability();
        return builder;
    }

    /// <summary>A route group under <c>/api</c>: admin access required (<see cref="AdminAccess"/>), problems for protocol errors.</summary>
    internal static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api")
            .AddEndpointFilter<AdminAccessFilter>()
            .AddEndpointFilter<ProtocolExceptionFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    public static WebApplication MapRealtimeGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        // The live demo dashboard (wwwroot/demo, built from clients/js): /demo redirects to /demo/ and serves index.html.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseCors();
        app.UseOriginCheck();
        app.UseWebSocketWriteCoalescing();
        app.UseWebSockets();

        app.Map(WebSocketTransport.Path, (HttpContext context, WebSocketTransport transport) => transport.HandleAsync(context));
        app.MapGet("/sse", (HttpContext context, SseTransport transport) => transport.HandleAsync(context));
        app.MapGet("/events", (HttpContext context, SseTransport transport) => transport.HandleAsync(context));
        app.MapPost("/poll", (HttpContext context, PollingTransport transport) => transport.OpenAsync(context));
        app.MapGet("/poll/{connectionId}", (HttpContext context, string connectionId, PollingTransport transport) => transport.PollAsync(context, connectionId));
        var posts = app.MapGroup(string.Empty).AddEndpointFilter<ProtocolExceptionFilter>();
        posts.MapPost("/sse/{connectionId}", (HttpContext context, string connectionId, SessionServices services, ClientIdentityResolver identity) => FramePosts.PostAsync(context, connectionId, TransportKind.Sse, services, identity));
        posts.MapPost("/events/{connectionId}", (HttpContext context, string connectionId, SessionServices services, ClientIdentityResolver identity) => FramePosts.PostAsync(context, connectionId, TransportKind.Sse, services, identity));
        posts.MapPost("/poll/{connectionId}", (HttpContext context, string connectionId, SessionServices services, ClientIdentityResolver identity) => FramePosts.PostAsync(context, connectionId, TransportKind.Polling, services, identity));
        app.MapHub<RealtimeHub>("/hub");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapAdminApi().MapChannelEndpoints().MapChannelListEndpoints().MapConnectionEndpoints().MapClusterEndpoints().MapStreamEndpoints().MapRoomEndpoints().MapPresenceEndpoints().MapSubscriptionEndpoints();
        app.MapRealtimeObservability();
        app.MapRealtimeOpenApi();
        return app;
    }
}
