using OrleansRealtime.EndToEnd.Tests.Infrastructure;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// One of our images as the manifests name it (<c>orleans-realtime-silo</c>), with the Dockerfile that builds it, the
/// build output the tests run in its place, and the assemblies whose options classes say which configuration it reads.
/// </summary>
internal sealed record DeployedApp(string Image, string DockerfilePath, Func<string> BuildDirectory, IReadOnlyList<string> OptionsAssemblies)
{
    public static readonly DeployedApp Silo = new(
        "orleans-realtime-silo", "silo/Dockerfile", () => BuildOutput.SiloDirectory, ["OrleansRealtime.Silo.dll", "OrleansRealtime.Grains.dll"]);

    public static readonly DeployedApp Gateway = new(
        "orleans-realtime-gateway", "gateway/Dockerfile", () => BuildOutput.GatewayDirectory, ["OrleansRealtime.Gateway.dll", "OrleansRealtime.Grains.dll"]);

    private static readonly DeployedApp[] All = [Silo, Gateway];
    private static readonly Dictionary<string, Lazy<ConfigurationKeys>> Keys =
        All.ToDictionary(app => app.Image, app => new Lazy<ConfigurationKeys>(() => ConfigurationKeys.Of([.. app.OptionsAssemblies.Select(a => Path.Combine(app.BuildDirectory(), a))])));

    public Dockerfile Dockerfile => Dockerfile.Read(Path.Combine(BuildOutput.Repository, DockerfilePath));

    /// <summary>The configuration keys this app's build binds.</summary>
    public ConfigurationKeys ConfigurationKeys => Keys[Image].Value;

    /// <summary>The app a container image reference (<c>registry.example.com/orleans-realtime-silo:1.2.3</c>) runs, if it is one of ours.</summary>
    public static DeployedApp? ForImage(string image)
    {
        var repository = image[(image.LastIndexOf('/') + 1)..];
        var colon = repository.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? repository : repository[..colon];
        return All.SingleOrDefault(app => app.Image == name);
    }
}
