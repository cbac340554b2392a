namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// What a container started from one of our images gets from its Dockerfile's final stage: the environment
/// (<c>ENV</c>), the command (<c>ENTRYPOINT</c> in exec form), the user, the exposed ports, and the base images of
/// every stage (which must be pinned by version).
/// </summary>
internal sealed record Dockerfile(
    string Path,
    IReadOnlyList<string> BaseImages,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> Entrypoint,
    string? User,
    IReadOnlySet<int> ExposedPorts)
{
    public static Dockerfile Read(string path)
    {
        var baseImages = new List<string>();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var exposed = new HashSet<int>();
        IReadOnlyList<string> entrypoint = [];
        string? user = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var (instruction, argument) = (line[..space].ToUpperInvariant(), line[(space + 1)..].Trim());
            switch (instruction)
            {
                case "FROM":
                    // A new stage: only the final stage's settings reach the container.
                    baseImages.Add(argument.Split(' ')[0]);
                    environment.Clear();
                    exposed.Clear();
                    entrypoint = [];
                    user = null;
                    break;
                case "ENV":
                    var equals = argument.IndexOf('=', StringComparison.Ordinal);
                    environment[argument[..equals]] = argument[(equals + 1)..];
                    break;
                case "EXPOSE":
                    exposed.UnionWith(argument.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
                    break;
                case "USER":
                    user = argument;
                    break;
                case "ENTRYPOINT":
                    entrypoint = System.Text.Json.JsonSerializer.Deserialize<string[]>(argument)
                        ?? throw new InvalidDataException($"{path}: ENTRYPOINT must be in exec form");
                    break;
            }
        }

        return new Dockerfile(path, baseImages, environment, entrypoint, user, exposed);
    }
}
