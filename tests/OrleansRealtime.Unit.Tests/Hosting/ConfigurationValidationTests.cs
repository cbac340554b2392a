using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRealtime.Gateway.Admin;
using OrleansRealtime.Gateway.Hosting;
using OrleansRealtime.Hosting;

namespace OrleansRealtime.Unit.Tests.Hosting;

/// <summary>
/// The start-time checks behind the production refusal: each names the configuration key to set. (The built processes
/// refusing to start with exit code 78 are tested end to end in EndToEnd/Deployment.)
/// </summary>
[Trait("Category", "Unit")]
public sealed class ConfigurationValidationTests
{
    private const string LongSecret = "a secret of comfortably more than thirty-two bytes";

    [Fact]
    public void RedisClusteringWithoutAConnectionStringNamesTheConnectionString()
    {
        var failures = ValidateCluster(new() { ["Orleans:Clustering"] = "Redis" });

        failures.Should().ContainSingle().Which.Should().Contain("ConnectionStrings:Redis").And.Contain("Orleans:Clustering=Redis");
    }

    [Fact]
    public void RedisStorageWithoutAConnectionStringNamesTheStorageSetting()
    {
        var failures = ValidateCluster(new() { ["Orleans:Clustering"] = "Localhost", ["Orleans:Storage"] = "Redis" });

        failures.Should().ContainSingle().Which.Should().Contain("ConnectionStrings:Redis").And.Contain("Orleans:Storage=Redis");
    }

    [Fact]
    public void AnAdvertisedAddressThatIsNoIpIsRefused() =>
        ValidateCluster(new() { ["Orleans:AdvertisedIP"] = "silo-0.example" }).Should().ContainSingle().Which.Should().Contain("Orleans:AdvertisedIP");

    [Fact]
    public void TheEmbeddedDefaultNeedsNothing() => ValidateCluster([]).Should().BeEmpty();

    [Fact]
    public void RedisWithAConnectionStringIsAccepted() =>
        ValidateCluster(new() { ["Orleans:Clustering"] = "Redis", ["ConnectionStrings:Redis"] = "redis:6379" }).Should().BeEmpty();

    [Fact]
    public void AnonymousOffWithoutTokenKeysOrAdminKeyNamesBoth()
    {
        var failures = ValidateAuth(new AuthOptions { AllowAnonymous = false }, adminKey: null);

        failures.Should().HaveCount(2);
        failures.Should().Contain(f => f.Contains("Realtime:Auth:JwtSecret", StringComparison.Ordinal) && f.Contains("Realtime:Auth:JwksFile", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("Realtime:Admin:ApiKey", StringComparison.Ordinal));
    }

    [Fact]
    public void AnonymousOffWithASecretAndAnAdminKeyIsAccepted() =>
        ValidateAuth(new AuthOptions { AllowAnonymous = false, JwtSecret = LongSecret }, adminKey: "key").Should().BeEmpty();

    [Fact]
    public void AnonymousOffWithRs256KeysInsteadOfASecretIsAccepted() =>
        ValidateAuth(new AuthOptions { AllowAnonymous = false, PublicKeys = ["-----BEGIN PUBLIC KEY-----"] }, adminKey: "key").Should().BeEmpty();

    [Fact]
    public void AnonymousOnNeedsNoSecret() => ValidateAuth(new AuthOptions { AllowAnonymous = true }, adminKey: null).Should().BeEmpty();

    [Fact]
    public void AnHs256SecretShorterThan32BytesIsRefusedEvenWithAnonymousOn() =>
        ValidateAuth(new AuthOptions { AllowAnonymous = true, JwtSecret = new string('x', AuthOptionsValidator.MinSecretBytes - 1) }, adminKey: null)
            .Should().ContainSingle().Which.Should().Contain("Realtime:Auth:JwtSecret must be at least 32 bytes");

    [Fact]
    public void AJwksFileThatDoesNotExistIsRefused() =>
        ValidateAuth(new AuthOptions { AllowAnonymous = true, JwksFile = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.json") }, adminKey: null)
            .Should().ContainSingle().Which.Should().Contain("Realtime:Auth:JwksFile");

    [Fact]
    public async Task ARefusedConfigurationEndsTheHostWithTheConfigurationExitCodeBeforeItRuns()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOptions<AdminOptions>().Validate(_ => false, "Realtime:Admin:ApiKey is missing").ValidateOnStart();
        using var host = builder.Build();
        var prepared = false;

        var exitCode = await host.RunRealtimeAsync("test", _ => prepared = true);

        exitCode.Should().Be(RealtimeHostRunner.ConfigurationErrorExitCode);
        prepared.Should().BeFalse("validation comes before the host is prepared");
    }

    private static List<string> ValidateCluster(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var result = new RealtimeClusterOptionsValidator().Validate(null, RealtimeClusterOptions.From(configuration));
        return result.Failed ? [.. result.Failures!] : [];
    }

    private static List<string> ValidateAuth(AuthOptions auth, string? adminKey)
    {
        var admin = new StaticMonitor<AdminOptions>(new AdminOptions { ApiKey = adminKey });
        var result = new AuthOptionsValidator(admin).Validate(null, auth);
        return result.Failed ? [.. result.Failures!] : [];
    }

    private sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
