using System.Globalization;
using System.Net;
using System.Text;
using OrleansRealtime.Bench.Harness;

namespace OrleansRealtime.Bench.Compare;

/// <summary>
/// The chart of bench/README.md, written as plain SVG (no plotting package): two bar panels, delivered msg/s at
/// saturation and p99 latency at 50% of each system's own saturation, one bar per fan-out size for every system
/// (medians of runs; a missing bar is a failed or skipped run).
/// </summary>
internal static class SvgChart
{
    private const int Width = 960;
    private const int PanelHeight = 250;
    private const int Left = 80;
    private const int Right = 20;
    private const int Top = 50;
    private const int LabelSpace = 60;

    private static readonly string[] Colors = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5"];

    public static string Build(CompareResults results, IReadOnlyList<BenchSystem> systems, CompareOptions options, BenchInvocation invocation)
    {
        var height = Top + (2 * (PanelHeight + LabelSpace)) + 20;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        var title = $"Fan-out, 1 publisher → N subscribers, 100-byte payloads — {invocation.Machine.Cores} shared cores, {invocation.Started:yyyy-MM-dd}{(options.Quick ? " — QUICK SMOKE RUN, not a measurement" : string.Empty)}";
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>\n");

        // Legend: one colour per fan-out size.
        for (var i = 0; i < results.Fanout.Count; i++)
        {
            var x = Left + (i * 170);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"30\" width=\"12\" height=\"12\" fill=\"{Colors[i % Colors.Length]}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 16}\" y=\"40\">{results.Fanout[i].Subscribers:N0} subscribers</text>\n");
        }

        Panel(svg, Top + 10, "delivered msg/s at saturation (higher is better)", results, systems, r => r.Saturation.DeliveredPerSecond, v => v.ToString("N0", CultureInfo.InvariantCulture));
        Panel(svg, Top + 10 + PanelHeight + LabelSpace, "p99 latency in ms at 50% of own saturation (lower is better)", results, systems, r => r.P99Ms, v => v.ToString(v < 10 ? "0.0" : "0", CultureInfo.InvariantCulture));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(
        StringBuilder svg, int top, string title, CompareResults results, IReadOnlyList<BenchSystem> systems,
        Func<Fanout.FanoutRunResult, double> value, Func<double, string> label)
    {
        var values = systems.Select(system => results.Fanout.Select(f =>
        {
            var runs = CompareResults.Of(f.Runs, system);
            return runs.Count == 0 ? double.NaN : Markdown.Median(runs, value);
        }).ToArray()).ToArray();
        var max = values.SelectMany(v => v).Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max();
        if (max <= 0)
            max = 1;

        var plotTop = top + 20;
        var plotHeight = PanelHeight - 30;
        var bottom = plotTop + plotHeight;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{top + 10}\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{bottom}\" x2=\"{Width - Right}\" y2=\"{bottom}\" stroke=\"#444\"/>\n");
        for (var tick = 0; tick <= 4; tick++)
        {
            var y = bottom - (plotHeight * tick / 4.0);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" fill=\"#555\">{WebUtility.HtmlEncode(label(max * tick / 4))}</text>\n");
        }

        var slot = (Width - Left - Right) / (double)Math.Max(1, systems.Count);
        var groups = Math.Max(1, results.Fanout.Count);
        var barWidth = (slot * 0.8) / groups;
        for (var s = 0; s < systems.Count; s++)
        {
            var slotLeft = Left + (s * slot) + (slot * 0.1);
            for (var g = 0; g < results.Fanout.Count; g++)
            {
                var v = values[s][g];
                if (double.IsNaN(v))
                    continue;
                var h = plotHeight * v / max;
                var x = slotLeft + (g * barWidth);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{bottom - h:0.#}\" width=\"{barWidth - 2:0.#}\" height=\"{h:0.#}\" fill=\"{Colors[g % Colors.Length]}\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + ((barWidth - 2) / 2):0.#}\" y=\"{bottom - h - 3:0.#}\" text-anchor=\"middle\" font-size=\"9\">{WebUtility.HtmlEncode(label(v))}</text>\n");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (s * slot) + (slot / 2):0.#}\" y=\"{bottom + 16}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(systems[s].Name)}</text>\n");
        }
    }
}
