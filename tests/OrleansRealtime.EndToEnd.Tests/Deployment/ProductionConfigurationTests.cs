using OrleansRealtime.EndToEnd.Tests.Infrastructure;
using OrleansRealtime.Testing;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// The built silo and gateway in the Production environment refuse to start without what production needs, with exit
/// code 78 and one message naming the missing keys (no stack trace). That they do start once given them is
/// <see cref="ManifestLaunchTests"/>.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ProductionConfigurationTests
{
    private const int ConfigurationErrorExitCode = 78;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TheGatewayRefusesToStartInProductionWithoutRedisTokensAndAnAdminKey()
    {
        var output = await RunUntilExitAsync(DeployedApp.Gateway, []);

        output.Should().Contain("Configuration error: the gateway cannot start in the Production environment")
            .And.Contain("ConnectionStrings:Redis")
            .And.Contain("Realtime:Auth:JwtSecret")
            .And.Contain("Realtime:Admin:ApiKey");
    }

    [Fact]
    public async Task TheSiloRefusesToStartInProductionWithoutRedis()
    {
        var output = await RunUntilExitAsync(DeployedApp.Silo, []);

        output.Should().Contain("Configuration error: the silo cannot start in the Production environment").And.Contain("ConnectionStrings:Redis");
    }

    [Fact]
    public async Task TheGatewayRefusesAnHs256SecretShorterThan32BytesAndNamesOnlyThatKey()
    {
        var output = await RunUntilExitAsync(DeployedApp.Gateway, new()
        {
            // Never connected to: the configuration is refused before anything reaches Redis.
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{FreePort.Next()}",
            ["Realtime__Admin__ApiKey"] = "an admin key",
            ["Realtime__Auth__JwtSecret"] = "only-24-bytes-long-here!",
        });

        output.Should().Contain("Realtime:Auth:JwtSecret must be at least 32 bytes")
            .And.NotContain("ConnectionStrings:Redis").And.NotContain("Realtime:Admin:ApiKey");
    }

    private static async Task<string> RunUntilExitAsync(DeployedApp app, Dictionary<string, string?> settings)
    {
        var environment = new Dictionary<string, string?>(settings)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        var assembly = app.Dockerfile.Entrypoint[1];
        using var process = ManagedProcess.StartDotnet(
            $"{app.Image} in Production", [Path.Combine(app.BuildDirectory(), assembly), "--urls", $"http://127.0.0.1:{FreePort.Next()}"], environment, app.BuildDirectory());

        var exitCode = await process.WaitForExitCodeAsync(ExitTimeout);
        var output = process.DescribeOutput();
        exitCode.Should().Be(ConfigurationErrorExitCode, output);
        output.Should().NotContain("Unhandled exception").And.NotContain("   at ", "the operator gets a message, not a stack trace");
        return output;
    }
}
