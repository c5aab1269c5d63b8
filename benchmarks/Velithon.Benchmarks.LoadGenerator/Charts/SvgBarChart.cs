using System.Globalization;
using System.Text;
using System.Xml;

namespace Velithon.Benchmarks.Charts;

/// <summary>
/// Writes a <see cref="BarChart"/> as a self-contained SVG that GitHub's markdown view and a browser show the same:
/// a <c>viewBox</c> and no fixed size (it scales to the page), an opaque white background (readable in dark mode
/// too), generic font families, and colours with at least 4.5:1 contrast against white for text and 3:1 for bars.
/// Every bar carries its value in <c>data-value</c> and a <c>title</c> tooltip, so the numbers stay readable (and
/// testable) without measuring pixels. Text goes through <see cref="XmlWriter"/>, which escapes it.
/// </summary>
public static class SvgBarChart
{
    private const string SvgNamespace = "http://www.w3.org/2000/svg";

    /// <summary>Height of the plot area (the tallest possible bar), in SVG units.</summary>
    public const double PlotHeight = 240;

    private const double BarWidth = 32;
    private const double GroupGap = 40;
    private const double WidestGroup = 180;
    private const double Left = 78;
    private const double Right = 24;
    private const double MinimumWidth = 720;

    // GitHub's palette: grey for the baseline, blue for the subject; green and red ratio labels on white.
    private static readonly string[] SeriesColours = ["#6e7781", "#0969da", "#8250df", "#bc4c00"];
    private const string Better = "#1a7f37";
    private const string Worse = "#cf222e";
    private const string Ink = "#1f2328";
    private const string Muted = "#57606a";
    private const string Grid = "#d0d7de";

    /// <summary>The chart as SVG text (UTF-8, no byte order mark).</summary>
    public static string Write(BarChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        // Few groups spread over the minimum width (up to a limit), many widen the chart; bars sit centred in their group.
        double barsWidth = chart.Series.Count * BarWidth;
        double width = Math.Max(MinimumWidth, Left + Right + (chart.Groups.Count * (barsWidth + GroupGap)));
        double groupWidth = chart.Groups.Count == 0 ? barsWidth + GroupGap : Math.Min(Math.Max(barsWidth + GroupGap, WidestGroup), (width - Left - Right) / chart.Groups.Count);
        int wrap = (int)((width - 40) / 5.8);

        // Heading: the title, then each source wrapped to the width, then the legend.
        var sourceLines = chart.Sources.SelectMany(source => Wrap(source, wrap)).ToList();
        double y = 30;
        double sourcesTop = y + 20;
        double legendTop = sourcesTop + (sourceLines.Count * 15) + 8;
        double plotTop = legendTop + 40;
        double plotBottom = plotTop + PlotHeight;
        int labelChars = Math.Max(6, (int)(groupWidth / 6));
        int labelLines = chart.Groups.Count == 0 ? 1 : chart.Groups.Max(g => Wrap(g.Label, labelChars).Count);
        double height = plotBottom + 16 + (labelLines * 14) + 34;

        double top = NiceCeiling(chart.Groups.SelectMany(g => g.Values).Where(double.IsFinite).DefaultIfEmpty(1).Max() * 1.12);
        int ticks = Ticks(top);
        double Scale(double value) => value / top * PlotHeight;

        var text = new StringBuilder();
        using (var svg = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, Encoding = new UTF8Encoding(false) }))
        {
            svg.WriteStartElement("svg", SvgNamespace);
            svg.WriteAttributeString("viewBox", $"0 0 {N(width)} {N(height)}");
            svg.WriteAttributeString("role", "img");
            svg.WriteAttributeString("font-family", "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif");
            svg.WriteElementString("title", SvgNamespace, chart.Title);
            Rect(svg, "background", 0, 0, width, height, "#ffffff");

            Text(svg, "title", 20, y, chart.Title, 17, Ink, bold: true);
            for (int i = 0; i < sourceLines.Count; i++)
            {
                Text(svg, "source", 20, sourcesTop + (i * 15), sourceLines[i], 11, Muted);
            }

            // Legend: one swatch per series, then how to read the ratio.
            double legendX = 20;
            for (int s = 0; s < chart.Series.Count; s++)
            {
                Rect(svg, "legend", legendX, legendTop, 12, 12, SeriesColours[s % SeriesColours.Length]);
                Text(svg, "legend", legendX + 17, legendTop + 10.5, chart.Series[s], 12, Ink);
                legendX += 30 + (chart.Series[s].Length * 7);
            }

            string direction = chart.HigherIsBetter ? "higher is better" : "lower is better";
            Text(svg, "legend", legendX + 6, legendTop + 10.5,
                $"{direction}; the number over each pair: {chart.Series[^1]} ÷ {chart.Series[0]}", 12, Muted);

            // Value axis: gridlines at round numbers, the unit beside them.
            for (int tick = 0; tick <= ticks; tick++)
            {
                double value = top * tick / ticks;
                double ty = plotBottom - Scale(value);
                Line(svg, tick == 0 ? "axis" : "grid", Left - 4, ty, width - Right, ty, tick == 0 ? Muted : Grid);
                Text(svg, "tick", Left - 8, ty + 4, Compact(value), 11, Muted, anchor: "end");
            }

            Text(svg, "unit", 20, plotTop - 12, chart.Unit, 11, Muted);

            for (int g = 0; g < chart.Groups.Count; g++)
            {
                var group = chart.Groups[g];
                double groupX = Left + (g * groupWidth) + ((groupWidth - barsWidth) / 2);
                double highest = plotBottom;
                for (int s = 0; s < chart.Series.Count && s < group.Values.Count; s++)
                {
                    double value = group.Values[s];
                    if (!double.IsFinite(value))
                    {
                        continue;
                    }

                    double barHeight = Scale(value);
                    double x = groupX + (s * BarWidth);
                    svg.WriteStartElement("rect", SvgNamespace);
                    svg.WriteAttributeString("class", "bar");
                    svg.WriteAttributeString("data-series", chart.Series[s]);
                    svg.WriteAttributeString("data-group", group.Label);
                    svg.WriteAttributeString("data-value", value.ToString("R", CultureInfo.InvariantCulture));
                    svg.WriteAttributeString("x", N(x + 2));
                    svg.WriteAttributeString("y", N(plotBottom - barHeight));
                    svg.WriteAttributeString("width", N(BarWidth - 4));
                    svg.WriteAttributeString("height", N(barHeight));
                    svg.WriteAttributeString("fill", SeriesColours[s % SeriesColours.Length]);
                    svg.WriteElementString("title", SvgNamespace, $"{group.Label}, {chart.Series[s]}: {Full(value)} {chart.Unit}");
                    svg.WriteEndElement();
                    Text(svg, "value", x + (BarWidth / 2), plotBottom - barHeight - 4, Compact(value), 10, Ink, anchor: "middle");
                    highest = Math.Min(highest, plotBottom - barHeight);
                }

                if (double.IsFinite(group.Ratio))
                {
                    bool ahead = chart.HigherIsBetter ? group.Ratio >= 1 : group.Ratio <= 1;
                    Text(svg, "ratio", groupX + (chart.Series.Count * BarWidth / 2), highest - 18,
                        group.Ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×", 13, ahead ? Better : Worse, bold: true, anchor: "middle");
                }

                var lines = Wrap(group.Label, labelChars);
                for (int l = 0; l < lines.Count; l++)
                {
                    Text(svg, "label", groupX + (chart.Series.Count * BarWidth / 2), plotBottom + 16 + (l * 14), lines[l], 11, Ink, anchor: "middle");
                }
            }

            svg.WriteEndElement();
        }

        return text.ToString() + "\n";
    }

    /// <summary>The smallest 1, 1.5, 2, 3, 4, 5, 6 or 8 times a power of ten at or above <paramref name="value"/>: a top whose <see cref="Ticks"/> are round numbers.</summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0 || !double.IsFinite(value))
        {
            return 1;
        }

        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in new[] { 1, 1.5, 2, 3, 4, 5, 6, 8, 10 })
        {
            if (step * power >= value * (1 - 1e-12))
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    /// <summary>How many equal steps divide a <see cref="NiceCeiling"/> top into round numbers: 3 for 1.5, 3 and 6, 5 for 5, else 4.</summary>
    public static int Ticks(double top)
    {
        double leading = top / Math.Pow(10, Math.Floor(Math.Log10(top)));
        return Math.Round(leading, 6) switch
        {
            1.5 or 3 or 6 => 3,
            5 => 5,
            _ => 4,
        };
    }

    /// <summary>A short label for a value: 38.1k, 1.2M, 950, 12.4, 0.31.</summary>
    public static string Compact(double value) => Math.Abs(value) switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    /// <summary>Splits <paramref name="text"/> at spaces into lines of at most <paramref name="width"/> characters (a longer word keeps its own line).</summary>
    public static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (string word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }

    private static string Full(double value) => value.ToString(Math.Abs(value) >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture);

    private static string N(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private static void Rect(XmlWriter svg, string role, double x, double y, double width, double height, string fill)
    {
        svg.WriteStartElement("rect", SvgNamespace);
        svg.WriteAttributeString("class", role);
        svg.WriteAttributeString("x", N(x));
        svg.WriteAttributeString("y", N(y));
        svg.WriteAttributeString("width", N(width));
        svg.WriteAttributeString("height", N(height));
        svg.WriteAttributeString("fill", fill);
        svg.WriteEndElement();
    }

    private static void Line(XmlWriter svg, string role, double x1, double y1, double x2, double y2, string stroke)
    {
        svg.WriteStartElement("line", SvgNamespace);
        svg.WriteAttributeString("class", role);
        svg.WriteAttributeString("x1", N(x1));
        svg.WriteAttributeString("y1", N(y1));
        svg.WriteAttributeString("x2", N(x2));
        svg.WriteAttributeString("y2", N(y2));
        svg.WriteAttributeString("stroke", stroke);
        svg.WriteAttributeString("stroke-width", "1");
        svg.WriteEndElement();
    }

    private static void Text(XmlWriter svg, string role, double x, double y, string content, double size, string fill, bool bold = false, string anchor = "start")
    {
        svg.WriteStartElement("text", SvgNamespace);
        svg.WriteAttributeString("class", role);
        svg.WriteAttributeString("x", N(x));
        svg.WriteAttributeString("y", N(y));
        svg.WriteAttributeString("font-size", N(size));
        svg.WriteAttributeString("fill", fill);
        if (bold)
        {
            svg.WriteAttributeString("font-weight", "600");
        }

        if (anchor != "start")
        {
            svg.WriteAttributeString("text-anchor", anchor);
        }

        svg.WriteString(content);
        svg.WriteEndElement();
    }
}
