using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansRealtime.Hosting;

// The standalone silo: runs the grains for gateways that are pure Orleans clients
// (Orleans:Clustering = Localhost or Redis). Configuration: appsettings.json, environment (Orleans__Clustering), args.
var builder = Host.CreateApplicationBuilder(args);
builder.AddRealtimeSilo();
builder.Services.AddHostedService<OrleansRealtime.Silo.ReadinessAnnouncer>();

await builder.Build().RunAsync();
