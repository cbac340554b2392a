namespace OrleansRealtime.Gateway.Tests.Infrastructure;

/// <summary>One embedded gateway shared by a test class (starting one costs a couple of seconds).</summary>
public class GatewayFixture : IAsyncLifetime
{
    private GatewayHost? _host;

    public GatewayHost Host => _host ?? throw new InvalidOperationException("the gateway has not started");

    /// <summary>Configuration on top of the test defaults.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync() => _host = await GatewayHost.StartAsync(Settings);

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}
