using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Hosting;

// The gateway: every client transport, the admin REST API and health endpoints. With the default
// Orleans:Clustering=Embedded it also hosts the silo, so this one process is the whole system.
var builder = WebApplication.CreateBuilder(args);
builder.AddRealtimeGateway();

var app = builder.Build();
return await app.RunRealtimeAsync("gateway", static app => app.MapRealtimeGateway());
