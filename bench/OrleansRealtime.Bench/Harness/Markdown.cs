using System.Globalization;
using System.Text;

namespace OrleansRealtime.Bench.Harness;

/// <summary>How every report writes numbers: medians of runs, n/a for what was not measured, invariant culture.</summary>
internal static class Markdown
{
    /// <summary>Failure texts carry a process's output: keep a table row one line and readable.</summary>
    public static string OneLine(string text)
    {
        var line = string.Join(" / ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 400 ? line : string.Concat(line.AsSpan(0, 400), "…");
    }

    public static double Median<T>(IEnumerable<T> runs, Func<T, double> value)
    {
        var values = runs.Select(value).Where(v => !double.IsNaN(v)).Order().ToList();
        if (values.Count == 0)
            return double.NaN;
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    public static string N0(double value) => double.IsNaN(value) ? "n/a" : value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Ms(double value) => double.IsNaN(value) ? "n/a" : value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    public static string Ratio(double value, double baseline) =>
        double.IsNaN(value) || double.IsNaN(baseline) || baseline == 0 ? "n/a" : (value / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static void Line(this StringBuilder md, string text = "") => md.Append(text).Append('\n');

    /// <summary>The top of every report: title with the start time, the exact command, the effective options and the machine.</summary>
    public static void Header(this StringBuilder md, string title, BenchInvocation invocation, string options)
    {
        var machine = invocation.Machine;
        md.Line($"# {title}, {invocation.Started:yyyy-MM-dd HH:mm:ss zzz}");
        md.Line();
        md.Line($"Command: `{invocation.Command}`");
        md.Line();
        md.Line($"- Options: {options}");
        md.Line($"- Machine: {machine.Cores} cores ({machine.CpuModel}), {machine.MemoryMiB:N0} MiB, {machine.Os}, {machine.Runtime}, open files limit {machine.OpenFilesLimit?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}");
    }
}
