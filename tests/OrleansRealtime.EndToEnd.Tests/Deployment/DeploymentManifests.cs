using System.Text.Json.Nodes;
using OrleansRealtime.EndToEnd.Tests.Infrastructure;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// The rendered objects of one overlay of <c>k8s/</c>, with the lookups the checks need. An overlay's
/// <c>secrets.env</c> is the operator's and not in the repository: its <c>secrets.env.example</c> stands in for it
/// (the keys are the example's; the tests supply the values).
/// </summary>
internal sealed class DeploymentManifests
{
    public const string Directory = "k8s";
    public const string OverlaysDirectory = "k8s/overlays";

    private DeploymentManifests(string overlay, List<JsonObject> objects)
    {
        Overlay = overlay;
        Objects = objects;
    }

    public string Overlay { get; }

    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>Every overlay under <c>k8s/overlays</c>: each is a complete deployment and is checked.</summary>
    public static IEnumerable<string> OverlayNames() =>
        System.IO.Directory.GetDirectories(Path.Combine(BuildOutput.Repository, OverlaysDirectory)).Select(Path.GetFileName).Order()!;

    public static DeploymentManifests Render(string overlay) =>
        new(overlay, Kustomization.Render(Path.Combine(BuildOutput.Repository, OverlaysDirectory, overlay), StandIn));

    /// <summary>Every YAML file under <c>k8s/</c>, rendered or not: each must at least parse.</summary>
    public static IEnumerable<string> YamlFiles() =>
        System.IO.Directory.EnumerateFiles(Path.Combine(BuildOutput.Repository, Directory), "*.yaml", SearchOption.AllDirectories).Order();

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => Kustomization.Kind(o) == kind);

    /// <summary>Deployments and StatefulSets: the objects with a pod template.</summary>
    public IEnumerable<JsonObject> Workloads => Objects.Where(o => Kustomization.Kind(o) is "Deployment" or "StatefulSet");

    public JsonObject? Find(string kind, string name) => OfKind(kind).SingleOrDefault(o => Name(o) == name);

    public JsonObject Workload(string name) =>
        Workloads.SingleOrDefault(o => Name(o) == name) ?? throw new InvalidOperationException($"{Overlay}: no workload '{name}'");

    /// <summary>The data of the ConfigMap or Secret <paramref name="name"/> (a Secret's <c>stringData</c> or <c>data</c>).</summary>
    public JsonObject? Data(string kind, string name) =>
        Find(kind, name) is { } found ? (found["data"] ?? found["stringData"]) as JsonObject ?? [] : null;

    public static string Name(JsonObject item) => item["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;

    public static IReadOnlyDictionary<string, string> Labels(JsonNode? labels) =>
        (labels as JsonObject)?.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? [];

    /// <summary>The pod template's labels of a workload.</summary>
    public static IReadOnlyDictionary<string, string> PodLabels(JsonObject workload) => Labels(workload["spec"]?["template"]?["metadata"]?["labels"]);

    /// <summary>The workloads whose pods a label selector (<c>matchLabels</c>, or a Service's plain map) selects.</summary>
    public IEnumerable<JsonObject> Selected(IReadOnlyDictionary<string, string> selector) =>
        selector.Count == 0 ? [] : Workloads.Where(w => selector.All(s => PodLabels(w).TryGetValue(s.Key, out var value) && value == s.Value));

    // Always the example, also where an operator has a secrets.env: the tests must not read real secrets.
    private static string StandIn(string path) => File.Exists(path + ".example") ? path + ".example" : path;
}
