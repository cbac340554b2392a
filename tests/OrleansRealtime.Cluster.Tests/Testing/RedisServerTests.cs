using System.Diagnostics;
using OrleansRealtime.Testing;
using StackExchange.Redis;

namespace OrleansRealtime.Cluster.Tests.Testing;

[Trait("Category", "Cluster")]
public sealed class RedisServerTests
{
    [Fact]
    public async Task AServerAnswersOnItsLoopbackPortAndFlushAllEmptiesIt()
    {
        await using var server = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var db = connection.GetDatabase();
        await db.StringSetAsync("k", "v");

        await server.FlushAllAsync();

        server.ConnectionString.Should().Be($"127.0.0.1:{server.Port}");
        (await db.KeyExistsAsync("k")).Should().BeFalse();
    }

    [Fact]
    public async Task DisposeKillsTheProcess()
    {
        var server = await RedisServer.StartAsync();
        var processId = server.ProcessId;

        await server.DisposeAsync();

        ProcessIsGone(processId).Should().BeTrue();
    }

    [Fact]
    public async Task AMissingExecutableSaysHowToInstallIt()
    {
        var start = () => RedisServer.StartAsync(executable: "/nonexistent/redis-server");

        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*/nonexistent/redis-server*tests/run*");
    }

    private static bool ProcessIsGone(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
