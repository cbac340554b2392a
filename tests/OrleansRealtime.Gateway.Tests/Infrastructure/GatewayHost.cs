using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Testing;

namespace OrleansRealtime.Gateway.Tests.Infrastructure;

/// <summary>
/// The real gateway, embedded silo included, started in this process on free loopback ports, exactly as
/// Program.cs composes it; only configuration differs per test class.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public Uri WebSocketUri(string query = "") =>
        new($"ws://{BaseUri.Host}:{BaseUri.Port}/ws{(query.Length > 0 ? "?" + query : string.Empty)}");

    public Task<RealtimeTestClient> ConnectAsync(string query = "", bool answerPings = true) =>
        RealtimeTestClient.ConnectAsync(WebSocketUri(query), answerPings: answerPings);

    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Test",
            ContentRootPath = AppContext.BaseDirectory,
        });

        var configuration = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Orleans:Clustering"] = "Embedded",
            ["Orleans:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Realtime:Auth:AllowAnonymous"] = "true",

            // Tests publish in tight loops; the rate limit has tests of its own that set it low.
            ["Realtime:Limits:MessagesPerSecond"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans.Runtime.Silo"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);

        builder.AddRealtimeGateway();
        var app = builder.Build();
        app.MapRealtimeGateway();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(app, new Uri(address));
    }

    public T GetRequiredService<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
