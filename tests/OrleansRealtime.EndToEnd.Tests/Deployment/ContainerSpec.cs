using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>One container of a workload's pod template: its ports, probes and environment as Kubernetes would read them.</summary>
internal sealed partial class ContainerSpec(JsonObject workload, JsonObject container)
{
    /// <summary>The downward-API fields our manifests may use, all of which a local run can stand in for.</summary>
    public static readonly IReadOnlySet<string> SupportedFieldPaths = new HashSet<string> { "metadata.name", "metadata.namespace", "status.podIP" };

    public JsonObject Workload { get; } = workload;

    public JsonObject Container { get; } = container;

    public string Name => Container["name"]!.GetValue<string>();

    public string Image => Container["image"]!.GetValue<string>();

    public string Description => $"{Kustomization.Kind(Workload)}/{DeploymentManifests.Name(Workload)} container {Name}";

    /// <summary>Declared container ports: name (or null) and number.</summary>
    public IReadOnlyList<(string? Name, int Port)> Ports =>
        [.. Kustomization.Items(Container["ports"]).Select(p => (p["name"]?.GetValue<string>(), int.Parse(p["containerPort"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>The probes that are set, by kind (<c>startupProbe</c>, <c>livenessProbe</c>, <c>readinessProbe</c>).</summary>
    public IEnumerable<(string Kind, JsonObject Probe)> Probes =>
        new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Where(k => Container[k] is JsonObject).Select(k => (k, (JsonObject)Container[k]!));

    /// <summary>The container port a probe, Service or annotation names (by name or number), or null when none matches.</summary>
    public int? ResolvePort(string reference)
    {
        var match = Ports.Where(p => p.Name == reference || p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) == reference).ToList();
        return match.Count == 1 ? match[0].Port : null;
    }

    /// <summary>The env entries in order (<c>value</c> or <c>valueFrom</c>).</summary>
    public IEnumerable<JsonObject> Env => Kustomization.Items(Container["env"]);

    /// <summary>The ConfigMaps and Secrets whose every key becomes a variable (<c>envFrom</c>), in order.</summary>
    public IEnumerable<(string Kind, string Name)> EnvFrom => Kustomization.Items(Container["envFrom"]).Select(e =>
        e["configMapRef"] is JsonObject map ? ("ConfigMap", map["name"]!.GetValue<string>())
        : e["secretRef"] is JsonObject secret ? ("Secret", secret["name"]!.GetValue<string>())
        : throw new InvalidDataException($"unsupported envFrom entry {e}"));

    /// <summary>
    /// The port an environment value makes the app listen on, if it is a listening setting: a variable named
    /// <c>…Port</c> with a number, or a URL on a wildcard host (<c>http://+:8080</c>).
    /// </summary>
    public static int? ListeningPort(string name, string value)
    {
        if (name.EndsWith("Port", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, out var port))
            return port;
        var url = WildcardUrl().Match(value);
        return url.Success ? int.Parse(url.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Rewrites a listening setting to loopback and <paramref name="localPort"/>; other values pass unchanged.</summary>
    public static string ToLoopback(string name, string value, int localPort)
    {
        if (name.EndsWith("Port", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, out _))
            return localPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var url = WildcardUrl().Match(value);
        return url.Success ? $"{url.Groups["scheme"].Value}://127.0.0.1:{localPort}" : value;
    }

    [GeneratedRegex(@"^(?<scheme>https?)://(\+|\*|0\.0\.0\.0|\[::\]):(?<port>\d+)/?$")]
    private static partial Regex WildcardUrl();
}
