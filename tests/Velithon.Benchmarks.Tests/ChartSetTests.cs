using Velithon.Benchmarks.Charts;
using Velithon.Benchmarks.Results;
using Xunit;

namespace Velithon.Benchmarks.Tests;

public sealed class ChartSetTests
{
    private static Figure Figure(string scenario, string metric, bool higherIsBetter, double[] baseline, double[] velithon) =>
        new(scenario, metric, higherIsBetter, new() { ["baseline"] = [.. baseline], ["velithon"] = [.. velithon] });

    private static ResultSet Result(string name, params Figure[] figures) =>
        new(name, "title", "benchmarks/charts.sh", new DateTimeOffset(2026, 11, 30, 19, 0, 0, TimeSpan.Zero), "2 cores", "load average 1 2 3 at start, 1 2 3 at end", [.. figures]);

    [Fact]
    public void PairedRatio_Rounds_MedianOfPerRoundRatiosNotRatioOfMedians()
    {
        var figure = Figure("echo binary 32 B x64", "msg/s", true, [100, 200, 150], [120, 160, 180]);

        Assert.Equal([1.2, 0.8, 1.2], figure.PairedRatios("velithon"));
        Assert.Equal(1.2, figure.PairedRatio("velithon"), 9);
        Assert.Equal(160.0 / 150.0, figure.Ratio("velithon"), 9);
        Assert.True(double.IsNaN(figure.PairedRatio("velithon-endpoint")));
    }

    [Fact]
    public async Task SaveAsync_ThenLoadAll_ReadsBackEveryRound()
    {
        string folder = Directory.CreateTempSubdirectory("velithon-results-").FullName;
        try
        {
            var saved = Result("load", Figure("echo text 32 B x64", "msg/s", true, [1, 2, 3], [4, 5, 6]));
            await saved.SaveAsync(folder);

            var loaded = Assert.Single(ResultSet.LoadAll(folder));
            Assert.Equal(saved.Command, loaded.Command);
            Assert.Equal(saved.Date, loaded.Date);
            var figure = Assert.Single(loaded.Figures);
            Assert.Equal("echo text 32 B x64 msg/s", figure.Name);
            Assert.Equal([4.0, 5, 6], figure.Values["velithon"]);
            Assert.DoesNotContain("\"name\": \"echo", await File.ReadAllTextAsync(Path.Combine(folder, "load.json")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Build_LoadAndCallgrindResults_OneChartPerPictureWithItsFigures()
    {
        var load = Result(
            "load",
            Figure("echo text 32 B x64", "msg/s", true, [100, 200, 150], [120, 160, 180]),
            Figure("echo text 32 B x64", "p99 us", false, [10, 10, 10], [9, 9, 9]),
            Figure("echo binary 32 B x256", "msg/s", true, [50, 50, 50], [55, 55, 55]),
            Figure("handshakes", "handshakes/s", true, [1, 1, 1], [1, 1, 1]),
            Figure("broadcast x1000", "deliveries/s", true, [1000, 1000, 1000], [1100, 1100, 1100]),
            Figure("idle x10000", "KiB/conn", false, [18, 18, 18], [14, 14, 14]));
        var binary = Result("callgrind-echo-binary-32", Figure("echo binary 32 B x64", "instructions per message", false, [19_700, 19_800], [16_900, 17_000]));
        var text = Result("callgrind-echo-text-32", Figure("echo text 32 B x64", "instructions per message", false, [20_000, 20_000], [17_000, 17_000]));
        var aot = Result("aot", Figure("idle x10000", "KiB/conn", false, [17.5, 17.7, 17.6], [12.2, 12.1, 12.3]), Figure("start", "start to first echo (ms)", false, [50], [45]));

        var charts = ChartSet.Build([aot, binary, text, load]).ToDictionary(c => c.Name, c => c.Chart);

        Assert.Equal(["broadcast", "idle-memory", "instructions", "latency-p99", "throughput"], charts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["text 32 B x64", "binary 32 B x256"], charts["throughput"].Groups.Select(g => g.Label));
        Assert.Equal([150.0, 160], charts["throughput"].Groups[0].Values);
        Assert.Equal(1.2, charts["throughput"].Groups[0].Ratio, 9);
        Assert.True(charts["throughput"].HigherIsBetter);
        Assert.False(charts["latency-p99"].HigherIsBetter);
        Assert.Equal(["binary 32 B x64", "text 32 B x64"], charts["instructions"].Groups.Select(g => g.Label));
        Assert.Equal(["Native AOT, 10,000 idle connections", "JIT, 10,000 idle connections"], charts["idle-memory"].Groups.Select(g => g.Label));
        Assert.Equal(["broadcast x1000"], charts["broadcast"].Groups.Select(g => g.Label));

        // The heading names each result file the chart drew from, with its command, machine and load.
        Assert.Equal(4, charts["idle-memory"].Sources.Count);
        Assert.StartsWith("aot.json, 2026-11-30 19:00 UTC, medians of 3 rounds: benchmarks/charts.sh", charts["idle-memory"].Sources[0], StringComparison.Ordinal);
        Assert.Equal("2 cores; load average 1 2 3 at start, 1 2 3 at end", charts["idle-memory"].Sources[1]);
    }

    [Fact]
    public void Build_FigureWithoutTheSubject_NoChart()
    {
        var load = Result("load", new Figure("echo text 32 B x64", "msg/s", true, new() { ["baseline"] = [1, 2, 3] }));

        Assert.Empty(ChartSet.Build([load]));
    }
}
