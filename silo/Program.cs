using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansRealtime.Hosting;
using OrleansRealtime.Silo;
using OrleansRealtime.Silo.Health;

// The standalone silo: runs the grains for gateways that are pure Orleans clients
// (Orleans:Clustering = Localhost or Redis). Configuration: appsettings.json, environment (Orleans__Clustering), args.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddHostedService<SiloHealthListener>();
builder.AddRealtimeSilo();
builder.Services.AddHostedService<ReadinessAnnouncer>();

return await builder.Build().RunRealtimeAsync("silo");
