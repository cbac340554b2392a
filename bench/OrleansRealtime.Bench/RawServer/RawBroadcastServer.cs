using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansRealtime.Bench.RawServer;

/// <summary>
/// The raw-websocket baseline: a minimal Kestrel server where any text message a client sends goes to every
/// connected subscriber. It does what a well-written broadcast server must do and nothing else (no protocol, no
/// offsets, no cluster), so it marks what this machine can deliver. Run by the bench as its own process.
/// </summary>
internal static class RawBroadcastServer
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args is not ["--port", var portText] || !int.TryParse(portText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port))
        {
            await Console.Error.WriteLineAsync("usage: serve-raw --port P");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

        var app = builder.Build();
        var hub = new RawHub(app.Logger);
        app.UseWebSockets();
        app.MapGet("/health/ready", () => "ready");
        app.Map("/ws", hub.HandleAsync);
        await app.RunAsync();
        return 0;
    }
}
