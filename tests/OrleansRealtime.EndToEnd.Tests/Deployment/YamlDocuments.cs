using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace OrleansRealtime.EndToEnd.Tests.Deployment;

/// <summary>
/// Reads YAML files into <see cref="JsonNode"/> trees (every scalar as a string, as the manifests' authors wrote it), so
/// the checks navigate manifests with one familiar API.
/// </summary>
internal static class YamlDocuments
{
    /// <summary>Every document of a (multi-document) YAML file; empty documents are skipped.</summary>
    public static List<JsonObject> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
            stream.Load(reader);

        var documents = new List<JsonObject>();
        foreach (var document in stream.Documents)
        {
            if (ToJson(document.RootNode) is JsonObject root)
                documents.Add(root);
            else if (document.RootNode is not YamlScalarNode { Value: null or "" })
                throw new InvalidDataException($"{path}: a document is not a mapping");
        }

        return documents;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(child =>
            KeyValuePair.Create(((YamlScalarNode)child.Key).Value ?? string.Empty, ToJson(child.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Value: null } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };
}
