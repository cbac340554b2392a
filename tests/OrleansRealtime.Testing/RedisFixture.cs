using Xunit;

namespace OrleansRealtime.Testing;

/// <summary>
/// One <see cref="RedisServer"/> for a test class (<c>IClassFixture&lt;RedisFixture&gt;</c>) or a collection. xunit
/// only discovers collection definitions in the test assembly itself, so each project that shares a server across
/// classes declares one:
/// <code>
/// [CollectionDefinition(RedisFixture.Collection)]
/// public sealed class RedisCollection : ICollectionFixture&lt;RedisFixture&gt;;
/// </code>
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    /// <summary>The conventional name of a collection that shares one server.</summary>
    public const string Collection = "Redis";

    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("The Redis fixture has not started.");

    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
