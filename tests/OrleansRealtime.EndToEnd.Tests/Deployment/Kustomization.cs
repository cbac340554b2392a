using System.Text.Json.Nodes;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// Renders a kustomization directory the way <c>kustomize build</c> does, for the fields our manifests use:
/// <c>resources</c> (files and directories), <c>namespace</c>, <c>images</c>, <c>configMapGenerator</c> and
/// <c>secretGenerator</c> (literals and env files). Neither kustomize nor kubectl is installed here, so this stands in
/// for them; a kustomization with any other field is refused, so a manifest can never rely on something this renderer
/// would silently skip. Generated names keep no hash suffix (kustomize adds one and rewrites the references to it).
/// </summary>
internal static class Kustomization
{
    public const string FileName = "kustomization.yaml";

    private static readonly HashSet<string> SupportedFields =
        ["apiVersion", "kind", "namespace", "resources", "images", "configMapGenerator", "secretGenerator"];

    private static readonly HashSet<string> ClusterScopedKinds =
        ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass", "IngressClass"];

    /// <summary>
    /// Renders <paramref name="directory"/>. <paramref name="envFile"/> maps the path of a generator's env file to the
    /// file to read (an operator's secrets file is not in the repository; a test names its stand-in).
    /// </summary>
    public static List<JsonObject> Render(string directory, Func<string, string> envFile)
    {
        var path = Path.Combine(directory, FileName);
        var kustomization = YamlDocuments.Load(path).Single();
        var unsupported = kustomization.Select(p => p.Key).Where(key => !SupportedFields.Contains(key)).ToList();
        if (unsupported.Count > 0)
            throw new NotSupportedException($"{path} uses {string.Join(", ", unsupported)}, which the manifest tests do not render: extend Kustomization.cs first.");

        var objects = new List<JsonObject>();
        foreach (var resource in Strings(kustomization["resources"]))
        {
            var target = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(target) ? Render(target, envFile) : YamlDocuments.Load(target));
        }

        foreach (var generator in Items(kustomization["configMapGenerator"]))
            objects.Add(Generate("ConfigMap", "data", generator, directory, envFile));
        foreach (var generator in Items(kustomization["secretGenerator"]))
            objects.Add(Generate("Secret", "stringData", generator, directory, envFile));

        if (kustomization["namespace"]?.GetValue<string>() is { } ns)
        {
            foreach (var item in objects.Where(o => !ClusterScopedKinds.Contains(Kind(o))))
                ((JsonObject)item["metadata"]!)["namespace"] = ns;
        }

        foreach (var image in Items(kustomization["images"]))
            SetImage(objects, image);
        return objects;
    }

    public static string Kind(JsonObject item) => item["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"an object has no kind: {item}");

    /// <summary>The pod template's containers of a workload, or nothing for other kinds.</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject item) =>
        item["spec"]?["template"]?["spec"] is JsonObject pod
            ? Items(pod["containers"]).Concat(Items(pod["initContainers"]))
            : [];

    public static IEnumerable<JsonObject> Items(JsonNode? node) => node is JsonArray array ? array.Select(n => (JsonObject)n!) : [];

    public static IEnumerable<string> Strings(JsonNode? node) => node is JsonArray array ? array.Select(n => n!.GetValue<string>()) : [];

    private static JsonObject Generate(string kind, string dataField, JsonObject generator, string directory, Func<string, string> envFile)
    {
        var name = generator["name"]!.GetValue<string>();
        if (generator["behavior"] is not null || generator["files"] is not null)
            throw new NotSupportedException($"the {kind} generator '{name}' uses behavior or files, which the manifest tests do not render.");

        var data = new JsonObject();
        foreach (var file in Strings(generator["envs"]))
        {
            foreach (var line in File.ReadAllLines(envFile(Path.GetFullPath(Path.Combine(directory, file)))))
                AddEntry(data, line, kind, name);
        }

        foreach (var literal in Strings(generator["literals"]))
            AddEntry(data, literal, kind, name);

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name },
            [dataField] = data,
        };
    }

    private static void AddEntry(JsonObject data, string line, string kind, string name)
    {
        var text = line.Trim();
        if (text.Length == 0 || text.StartsWith('#'))
            return;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
            throw new InvalidDataException($"the {kind} '{name}' has an entry without a key: '{text}'");
        data[text[..equals]] = text[(equals + 1)..];
    }

    private static void SetImage(List<JsonObject> objects, JsonObject image)
    {
        var name = image["name"]!.GetValue<string>();
        foreach (var container in objects.SelectMany(Containers))
        {
            var current = container["image"]!.GetValue<string>();
            var colon = current.LastIndexOf(':');
            var (repository, tag) = colon > current.LastIndexOf('/') ? (current[..colon], current[(colon + 1)..]) : (current, null);
            if (repository != name)
                continue;
            var newName = image["newName"]?.GetValue<string>() ?? repository;
            var newTag = image["newTag"]?.GetValue<string>() ?? tag;
            container["image"] = newTag is null ? newName : $"{newName}:{newTag}";
        }
    }
}
