using OrleansRealtime.Bench.SignalRPeer;

// The ASP.NET Core SignalR comparison peer of bench/: a hub whose groups are channels (BenchHub).
//   dotnet OrleansRealtime.Bench.SignalRPeer.dll --urls http://127.0.0.1:P [--Redis 127.0.0.1:6379]
// With `Redis` set (argument or environment), nodes share their groups through the StackExchange.Redis backplane.
var builder = WebApplication.CreateBuilder(args);
var signalR = builder.Services.AddSignalR();
if (builder.Configuration["Redis"] is { Length: > 0 } redis)
    signalR.AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("bench-signalr"));

var app = builder.Build();
app.MapHub<BenchHub>("/hub");
app.MapGet("/health/ready", () => Results.Text("ready"));
app.Run();
