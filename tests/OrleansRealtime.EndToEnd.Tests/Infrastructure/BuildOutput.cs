namespace OrleansRealtime.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Where the silo and gateway binaries of this build are: the repository is the folder above the test assembly that
/// holds <c>OrleansRealtime.sln</c>, and the configuration is the test assembly's own (<c>bin/&lt;Configuration&gt;/net10.0</c>),
/// so <c>dotnet test -c Release</c> launches Release binaries.
/// </summary>
public static class BuildOutput
{
    private const string Solution = "OrleansRealtime.sln";
    private static readonly Lazy<string> RepositoryRoot = new(FindRepositoryRoot);

    public static string Repository => RepositoryRoot.Value;

    /// <summary>The test assembly's configuration, e.g. <c>Release</c>.</summary>
    public static string Configuration
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return framework.Parent?.Name ?? throw new InvalidOperationException($"cannot tell the configuration from {AppContext.BaseDirectory}");
        }
    }

    private static string TargetFramework => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;

    public static string SiloDirectory => ProjectOutput("silo");

    public static string SiloAssembly => RequireFile(SiloDirectory, "OrleansRealtime.Silo.dll");

    public static string GatewayDirectory => ProjectOutput("gateway");

    public static string GatewayAssembly => RequireFile(GatewayDirectory, "OrleansRealtime.Gateway.dll");

    private static string ProjectOutput(string project) => Path.Combine(Repository, project, "bin", Configuration, TargetFramework);

    private static string RequireFile(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} does not exist: build the solution in {Configuration} first (dotnet build {Solution} -c {Configuration}).", path);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, Solution)))
                return directory.FullName;
        }

        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds {Solution}");
    }
}
