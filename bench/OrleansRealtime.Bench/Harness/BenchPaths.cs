namespace OrleansRealtime.Bench.Harness;

/// <summary>Where the repository, the gateway build and this bench are on disk.</summary>
internal sealed class BenchPaths
{
    private BenchPaths(string repositoryRoot, string gatewayDll, string outputDirectory)
    {
        RepositoryRoot = repositoryRoot;
        GatewayDll = gatewayDll;
        OutputDirectory = outputDirectory;
    }

    public string RepositoryRoot { get; }

    public string GatewayDll { get; }

    public string OutputDirectory { get; }

    /// <summary>The standalone silo, for the systems with gateways that are pure Orleans clients.</summary>
    public string SiloDll => Built(Path.Combine(RepositoryRoot, "silo", "bin", "Release", "net10.0", "OrleansRealtime.Silo.dll"), "dotnet build OrleansRealtime.sln -c Release");

    /// <summary>The ASP.NET Core SignalR peer (bench/peers/signalr).</summary>
    public string SignalRPeerDll => Built(
        Path.Combine(RepositoryRoot, "bench", "peers", "signalr", "bin", "Release", "net10.0", "OrleansRealtime.Bench.SignalRPeer.dll"), "dotnet build OrleansRealtime.sln -c Release");

    /// <summary>The Socket.IO peer's script; its packages must be installed (<c>npm ci</c> in its folder).</summary>
    public string SocketIoPeerScript
    {
        get
        {
            var folder = Path.Combine(RepositoryRoot, "bench", "peers", "socketio");
            Built(Path.Combine(folder, "node_modules", "socket.io", "package.json"), "npm ci --prefix bench/peers/socketio");
            return Path.Combine(folder, "server.js");
        }
    }

    /// <summary>This bench's own assembly, launched again as <c>serve-raw</c> for the baseline.</summary>
    public string BenchDll { get; } = typeof(BenchPaths).Assembly.Location;

    /// <summary>The <c>dotnet</c> host: the one running the bench when it was started through it (dotnet run sets DOTNET_HOST_PATH).</summary>
    public string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    public static BenchPaths Resolve(string? gatewayDll, string? outputDirectory)
    {
        var root = FindRepositoryRoot();
        var gateway = Path.GetFullPath(gatewayDll ?? Path.Combine(root, "gateway", "bin", "Release", "net10.0", "OrleansRealtime.Gateway.dll"));
        if (!File.Exists(gateway))
            throw new FileNotFoundException($"the gateway is not built at {gateway}: run `dotnet build OrleansRealtime.sln -c Release` (or pass --gateway-dll)");
        var output = Path.GetFullPath(outputDirectory ?? Path.Combine(root, "bench", "results"));
        return new BenchPaths(root, gateway, output);
    }

    private static string Built(string path, string command) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run `{command}` (bench/run does it all)");

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansRealtime.sln")))
                return directory.FullName;
        }

        throw new InvalidOperationException($"no OrleansRealtime.sln above {AppContext.BaseDirectory}");
    }
}
