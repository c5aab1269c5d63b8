using System.Globalization;
using System.Xml.Linq;
using Velithon.Benchmarks.Charts;
using Xunit;

namespace Velithon.Benchmarks.Tests;

public sealed class SvgBarChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static BarChart Chart(bool higherIsBetter = true, params BarGroup[] groups) =>
        new("Echo throughput", ["load.json, 2026-11-30 19:00 UTC: --rounds 7"], "messages/s", higherIsBetter, ["baseline", "velithon"], groups);

    private static List<XElement> Elements(XDocument document, string name, string role) =>
        document.Descendants(Svg + name).Where(e => (string?)e.Attribute("class") == role).ToList();

    private static double Number(XElement element, string attribute) => double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);

    [Fact]
    public void Write_TwoSeriesThreeGroups_OneBarPerSeriesAndGroupWithItsValue()
    {
        var document = XDocument.Parse(SvgBarChart.Write(Chart(true,
            new BarGroup("echo text 32 B x64", [38_000, 40_000], 1.05),
            new BarGroup("echo binary 32 B x64", [36_000, 30_000], 0.83),
            new BarGroup("echo text 4096 B x64", [31_000, 31_000], 1.0))));

        var bars = Elements(document, "rect", "bar");
        Assert.Equal(6, bars.Count);
        Assert.Equal(
            ["echo text 32 B x64/baseline=38000", "echo text 32 B x64/velithon=40000", "echo binary 32 B x64/baseline=36000",
             "echo binary 32 B x64/velithon=30000", "echo text 4096 B x64/baseline=31000", "echo text 4096 B x64/velithon=31000"],
            bars.Select(b => $"{b.Attribute("data-group")!.Value}/{b.Attribute("data-series")!.Value}={b.Attribute("data-value")!.Value}"));
        Assert.Equal("echo text 32 B x64, velithon: 40,000 messages/s", bars[1].Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Write_Bars_HeightsProportionalToValuesOnOneAxis()
    {
        var document = XDocument.Parse(SvgBarChart.Write(Chart(true,
            new BarGroup("a", [10_000, 25_000], 2.5),
            new BarGroup("b", [5_000, 20_000], 4))));

        var bars = Elements(document, "rect", "bar");

        // The axis tops at a round number above the highest value (25,000 * 1.12 -> 30,000 with ticks of 10,000).
        double top = SvgBarChart.NiceCeiling(25_000 * 1.12);
        Assert.Equal(30_000, top);
        foreach (var bar in bars)
        {
            Assert.Equal(Number(bar, "data-value") / top * SvgBarChart.PlotHeight, Number(bar, "height"), 1);
        }

        // Every bar stands on the same axis line.
        Assert.Single(bars.Select(b => Math.Round(Number(b, "y") + Number(b, "height"), 1)).Distinct());
        Assert.Equal(["0", "10k", "20k", "30k"], Elements(document, "text", "tick").Select(t => t.Value));
    }

    [Fact]
    public void Write_RatioOverEachGroup_GreenWhenAheadOfTheBaselineRedWhenBehind()
    {
        var faster = XDocument.Parse(SvgBarChart.Write(Chart(true, new BarGroup("a", [100, 112], 1.12), new BarGroup("b", [100, 91], 0.91))));
        var cheaper = XDocument.Parse(SvgBarChart.Write(Chart(false, new BarGroup("a", [100, 112], 1.12), new BarGroup("b", [100, 91], 0.91))));

        Assert.Equal(["1.12×", "0.91×"], Elements(faster, "text", "ratio").Select(t => t.Value));
        Assert.Equal(["#1a7f37", "#cf222e"], Elements(faster, "text", "ratio").Select(t => t.Attribute("fill")!.Value));
        Assert.Equal(["#cf222e", "#1a7f37"], Elements(cheaper, "text", "ratio").Select(t => t.Attribute("fill")!.Value));
        Assert.Contains("higher is better", Elements(faster, "text", "legend").Last().Value, StringComparison.Ordinal);
        Assert.Contains("lower is better", Elements(cheaper, "text", "legend").Last().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TextWithMarkupCharacters_IsEscapedAndReadsBackTheSame()
    {
        const string title = "p99 < 5 ms & \"quoted\" <script>alert(1)</script>";
        var chart = new BarChart(title, ["--connections 64,256 & <more>"], "µs", false, ["baseline", "velithon"], [new BarGroup("a<b>&c", [1, 2], 2)]);

        string text = SvgBarChart.Write(chart);
        var document = XDocument.Parse(text);

        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.Equal(title, document.Root!.Element(Svg + "title")!.Value);
        Assert.Equal(title, Elements(document, "text", "title").Single().Value);
        Assert.Equal("--connections 64,256 & <more>", Elements(document, "text", "source").Single().Value);
        Assert.Equal("a<b>&c", Elements(document, "text", "label").Single().Value);
        Assert.Equal("a<b>&c", Elements(document, "rect", "bar")[0].Attribute("data-group")!.Value);
    }

    [Fact]
    public void Write_Document_ScalesByViewBoxOnAnOpaqueBackground()
    {
        var root = XDocument.Parse(SvgBarChart.Write(Chart(true, new BarGroup("a", [1, 2], 2)))).Root!;

        Assert.Equal(Svg + "svg", root.Name);
        Assert.Null(root.Attribute("width"));
        string[] viewBox = root.Attribute("viewBox")!.Value.Split(' ');
        var background = Elements(root.Document!, "rect", "background").Single();
        Assert.Equal(viewBox[2], background.Attribute("width")!.Value);
        Assert.Equal(viewBox[3], background.Attribute("height")!.Value);
        Assert.Equal("#ffffff", background.Attribute("fill")!.Value);
    }

    [Fact]
    public void Write_MissingValue_LeavesThatBarOut()
    {
        var document = XDocument.Parse(SvgBarChart.Write(Chart(true, new BarGroup("a", [100, double.NaN], double.NaN), new BarGroup("b", [100, 90], 0.9))));

        Assert.Equal(["a/baseline", "b/baseline", "b/velithon"], Elements(document, "rect", "bar").Select(b => $"{b.Attribute("data-group")!.Value}/{b.Attribute("data-series")!.Value}"));
        Assert.Equal(["0.90×"], Elements(document, "text", "ratio").Select(t => t.Value));
    }

    [Theory]
    [InlineData(0.7, 0.8)]
    [InlineData(1, 1)]
    [InlineData(42_560, 50_000)]
    [InlineData(28_000, 30_000)]
    [InlineData(1_234, 1_500)]
    [InlineData(17_100, 20_000)]
    [InlineData(0, 1)]
    public void NiceCeiling_Value_RoundNumberAtOrAbove(double value, double expected) => Assert.Equal(expected, SvgBarChart.NiceCeiling(value), 9);

    [Theory]
    [InlineData(1_500, 3)]
    [InlineData(30_000, 3)]
    [InlineData(50_000, 5)]
    [InlineData(80, 4)]
    [InlineData(0.2, 4)]
    public void Ticks_Top_StepsOfRoundNumbers(double top, int expected) => Assert.Equal(expected, SvgBarChart.Ticks(top));

    [Fact]
    public void Wrap_LongLabel_SplitsAtSpacesWithinTheWidth()
    {
        Assert.Equal(["echo text", "4096 B x256"], SvgBarChart.Wrap("echo text 4096 B x256", 11));
        Assert.Equal(["handshakes"], SvgBarChart.Wrap("handshakes", 4));
        Assert.Equal([""], SvgBarChart.Wrap("", 10));
    }
}
