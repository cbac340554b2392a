using System.Globalization;
using System.Text;

namespace OrleansRealtime.Gateway.Tests.Infrastructure;

/// <summary>One sample line of a Prometheus text exposition: <c>name{label="value",…} value [timestamp]</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public override string ToString() =>
        $"{Name}{{{string.Join(',', Labels.Select(label => $"{label.Key}=\"{label.Value}\""))}}} {Value.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A parsed Prometheus text exposition (format 0.0.4): <c># TYPE</c> lines and samples, with label values unescaped
/// (<c>\\</c>, <c>\"</c>, <c>\n</c>). Lookups match a sample when it carries every label asked for (the exporter
/// adds its own, such as <c>otel_scope_name</c>) and fail when that is ambiguous.
/// </summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(string text, List<PrometheusSample> samples, Dictionary<string, string> types)
    {
        Text = text;
        Samples = samples;
        Types = types;
    }

    public string Text { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>The <c># TYPE</c> of each metric family, e.g. <c>counter</c>, <c>gauge</c>, <c>histogram</c>.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static async Task<PrometheusScrape> ReadAsync(HttpClient http, string path = "/metrics")
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        return Parse(text);
    }

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
                if (parts is ["#", "TYPE", var family, var type])
                    types[family] = type;
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusScrape(text, samples, types);
    }

    /// <summary>The samples of <paramref name="name"/> carrying every label in <paramref name="labels"/> (<c>"key=value"</c>).</summary>
    public IEnumerable<PrometheusSample> Find(string name, params string[] labels)
    {
        var wanted = labels.Select(label => label.Split('=', 2)).Select(pair => (Key: pair[0], Value: pair[1])).ToArray();
        return Samples.Where(sample => sample.Name == name
            && wanted.All(label => sample.Labels.TryGetValue(label.Key, out var value) && value == label.Value));
    }

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels; fails when there is none or several.</summary>
    public double Value(string name, params string[] labels)
    {
        var matches = Find(name, labels).ToList();
        return matches.Count switch
        {
            1 => matches[0].Value,
            0 => throw new KeyNotFoundException($"no sample {name}{{{string.Join(',', labels)}}} in the scrape:\n{Excerpt(name)}"),
            _ => throw new InvalidOperationException($"{matches.Count} samples match {name}{{{string.Join(',', labels)}}}:\n{string.Join('\n', matches)}"),
        };
    }

    /// <summary>The sample lines of metrics whose name starts with <paramref name="prefix"/>, for failure messages.</summary>
    public string Excerpt(string prefix) =>
        string.Join('\n', Samples.Where(sample => sample.Name.StartsWith(prefix.Split('_')[0], StringComparison.Ordinal)));

    private static PrometheusSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
            i++;
        var name = line[..i];

        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var key = line[i..equals];
                if (line[equals + 1] != '"')
                    throw new FormatException($"label {key} has no quoted value: {line}");
                var value = new StringBuilder();
                i = equals + 2;
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                }

                labels[key] = value.ToString();
                i++; // the closing quote
                if (line[i] == ',')
                    i++;
            }

            i++; // the closing brace
        }

        var fields = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new PrometheusSample(name, labels, ParseValue(fields[0]));
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
