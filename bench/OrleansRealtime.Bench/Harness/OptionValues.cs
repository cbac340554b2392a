using System.Globalization;

namespace OrleansRealtime.Bench.Harness;

/// <summary>Command-line values of every verb; a bad one throws <see cref="ArgumentException"/> with a message for the user.</summary>
internal static class OptionValues
{
    public static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{name} expects a positive integer, got '{value}'");

    public static double PositiveDouble(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : throw new ArgumentException($"{name} expects a positive number, got '{value}'");

    public static double NonNegativeDouble(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= 0 ? d : throw new ArgumentException($"{name} expects a number ≥ 0, got '{value}'");

    public static (string Key, string Value) EnvironmentPair(string name, string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? (pair[..eq], pair[(eq + 1)..]) : throw new ArgumentException($"{name} expects KEY=VALUE, got '{pair}'");
    }
}
