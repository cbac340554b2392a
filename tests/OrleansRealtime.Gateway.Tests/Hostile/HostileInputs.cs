using System.Text;

namespace OrleansRealtime.Gateway.Tests.Hostile;

/// <summary>
/// Deterministic hostile client input (a fixed seed, so a failure reproduces): random JSON, every known field with
/// every wrong JSON type, nesting 10,000 levels deep, huge strings, invalid UTF-8, truncated frames, oversized
/// bodies, and malformed tokens. Each input is the bytes of one transport message.
/// </summary>
internal static class HostileInputs
{
    private static readonly string[] Types = ["subscribe", "unsubscribe", "publish", "history", "ping", "pong", "auth", "join", "leave", "room.send", "direct", "presence.set", "presence.get", "teleport", ""];
    private static readonly string[] Fields = ["id", "type", "channel", "pattern", "stream", "room", "since", "data", "filter", "priority", "limit", "token", "to", "event", "status", "state", "users"];
    private static readonly string[] WrongValues =
    [
        "null", "true", "false", "0", "-1", "1e308", "-9223372036854775809", "18446744073709551616", "0.5", "\"\"", "\"a b\"", "\"*\"", "\">\"",
        "\"..\"", "\"\\u0000\"", "[]", "[1,2]", "{}", "{\"offset\":\"x\"}", "{\"offset\":-5,\"epoch\":7}", "\"" + new string('c', 300) + "\"",
    ];

    /// <summary>At least <paramref name="count"/> inputs; the malformed tokens are passed in (signed by the caller).</summary>
    public static List<byte[]> Generate(int count, int maxFrameBytes, IReadOnlyList<string> badTokens, int seed = 20261124)
    {
        var random = new Random(seed);
        var inputs = new List<byte[]>(count + 512);

        // Every field of every frame type with every wrong value.
        foreach (var type in Types)
        {
            foreach (var field in Fields)
            {
                foreach (var value in WrongValues)
                    inputs.Add(Utf8($$"""{"id":{{inputs.Count}},"type":"{{type}}","{{field}}":{{value}}}"""));
            }
        }

        // Deep nesting, huge strings, oversized frames.
        inputs.Add(Utf8("{\"type\":\"publish\",\"channel\":\"deep\",\"data\":" + new string('[', 10_000) + new string(']', 10_000) + "}"));
        inputs.Add(Utf8(new string('{', 10_000)));
        inputs.Add(Utf8("{\"type\":\"publish\",\"channel\":\"big\",\"data\":\"" + new string('x', maxFrameBytes - 60) + "\"}"));
        inputs.Add(Utf8("{\"type\":\"publish\",\"channel\":\"big\",\"data\":\"" + new string('x', maxFrameBytes * 2) + "\"}"));
        inputs.Add(Utf8("{\"type\":\"subscribe\",\"channel\":\"" + new string('c', 10_000) + "\"}"));

        // Malformed tokens in auth frames.
        foreach (var token in badTokens)
            inputs.Add(Utf8($$"""{"id":"t","type":"auth","token":"{{token}}"}"""));

        // Invalid UTF-8, control bytes, truncated frames, random JSON and random bytes until the count is reached.
        var valid = Utf8("""{"id":1,"type":"publish","channel":"news","data":{"text":"héllo","n":[1,2,3]},"priority":"high"}""");
        while (inputs.Count < count)
        {
            switch (random.Next(5))
            {
                case 0:
                    var broken = (byte[])valid.Clone();
                    broken[random.Next(broken.Length)] = (byte)random.Next(0x80, 0x100);
                    inputs.Add(broken);
                    break;
                case 1:
                    inputs.Add(valid[..random.Next(1, valid.Length - 1)]);
                    break;
                case 2:
                    inputs.Add(Utf8(RandomJson(random, depth: 0)));
                    break;
                case 3:
                    var bytes = new byte[random.Next(1, 200)];
                    random.NextBytes(bytes);
                    inputs.Add(bytes);
                    break;
                default:
                    inputs.Add(Utf8($$"""[{{RandomJson(random, 0)}},{"type":"{{Types[random.Next(Types.Length)]}}","channel":{{RandomJson(random, 2)}}}]"""));
                    break;
            }
        }

        return inputs;
    }

    private static string RandomJson(Random random, int depth)
    {
        switch (depth > 3 ? random.Next(4) : random.Next(7))
        {
            case 0: return "null";
            case 1: return random.Next(2) == 0 ? "true" : "false";
            case 2: return (random.NextDouble() * Math.Pow(10, random.Next(-5, 20)) * (random.Next(2) == 0 ? -1 : 1)).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            case 3: return "\"" + RandomText(random) + "\"";
            case 4: return "[" + string.Join(',', Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth + 1))) + "]";
            default:
                return "{" + string.Join(',', Enumerable.Range(0, random.Next(5)).Select(_ =>
                    $"\"{(random.Next(3) == 0 ? Fields[random.Next(Fields.Length)] : RandomText(random))}\":{RandomJson(random, depth + 1)}")) + "}";
        }
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        for (var i = random.Next(12); i > 0; i--)
        {
            var c = (char)random.Next(0x20, 0x2FF);
            builder.Append(c is '"' or '\\' ? '_' : c);
        }

        return builder.ToString();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
