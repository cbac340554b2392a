using System.Text.Json;
using OrleansRealtime.Gateway.Protocol;

namespace OrleansRealtime.Gateway.Cluster;

/// <summary>
/// A subscription's <c>filter</c>: equality on top-level fields of a message's <c>data</c> (strings, numbers,
/// booleans, null). A message matches when its data is an object holding every field with an equal value. Applied on
/// the gateway to the frame already encoded once for all subscribers; it never changes offsets, so a filtered
/// subscriber sees gaps in them by design.
/// </summary>
internal sealed class MessageFilter
{
    /// <summary>Fields one filter may test.</summary>
    public const int MaxTerms = 16;

    private readonly Term[] _terms;

    private MessageFilter(Term[] terms, string json)
    {
        _terms = terms;
        Json = json;
    }

    /// <summary>The filter as it was given (a JSON object), for the admin API and <c>subscribed</c> frames.</summary>
    public string Json { get; }

    /// <summary>The filter a frame's raw <c>filter</c> object describes; null when absent or empty. Throws <c>bad_request</c>.</summary>
    public static MessageFilter? Parse(ReadOnlyMemory<byte> json)
    {
        if (json.IsEmpty)
            return null;

        var terms = new List<Term>();
        var reader = new Utf8JsonReader(json.Span);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            var term = reader.TokenType switch
            {
                JsonTokenType.String => new Term(name, JsonTokenType.String, reader.GetString(), 0),
                JsonTokenType.Number => new Term(name, JsonTokenType.Number, null, reader.GetDouble()),
                JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null => new Term(name, reader.TokenType, null, 0),
                _ => throw ProtocolException.BadRequest($"filter field '{name}' must be a string, number, boolean or null"),
            };
            if (terms.Exists(t => t.Name == name))
                throw ProtocolException.BadRequest($"filter field '{name}' is given twice");
            terms.Add(term);
        }

        if (terms.Count > MaxTerms)
            throw ProtocolException.BadRequest($"a filter tests at most {MaxTerms} fields");
        return terms.Count == 0 ? null : new MessageFilter([.. terms], Compact(json));
    }

    /// <summary>The filter object on one line (frames and SSE <c>data:</c> lines carry it), however it was spaced when given.</summary>
    private static string Compact(ReadOnlyMemory<byte> json) => System.Text.Json.Nodes.JsonNode.Parse(json.Span)!.ToJsonString();

    public bool Matches(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return false;

        var matched = 0;
        var seen = 0UL;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = IndexOf(ref reader);
            reader.Read();
            if (index >= 0 && (seen & (1UL << index)) == 0 && _terms[index].Equals(ref reader))
            {
                seen |= 1UL << index;
                matched++;
            }

            reader.Skip();
        }

        return matched == _terms.Length;
    }

    private int IndexOf(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _terms.Length; i++)
        {
            if (reader.ValueTextEquals(_terms[i].Name))
                return i;
        }

        return -1;
    }

    private sealed record Term(string Name, JsonTokenType Kind, string? Text, double Number)
    {
        public bool Equals(ref Utf8JsonReader reader) => Kind switch
        {
            JsonTokenType.String => reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(Text),
            JsonTokenType.Number => reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && value == Number,
            _ => reader.TokenType == Kind,
        };
    }
}
