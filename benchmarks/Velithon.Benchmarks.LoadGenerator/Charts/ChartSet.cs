using System.Globalization;
using Velithon.Benchmarks.Results;

namespace Velithon.Benchmarks.Charts;

/// <summary>
/// The charts at the top of docs/benchmarks.md, drawn from the result files of real runs in one folder: echo
/// throughput and p99 latency by scenario (<c>load.json</c>), server instructions per echoed message
/// (<c>callgrind-echo-*.json</c>), memory per idle connection (<c>aot.json</c> and <c>load.json</c>) and broadcast
/// deliveries per second (<c>load.json</c>). A chart whose results are missing is not written.
/// </summary>
public static class ChartSet
{
    private const string Baseline = "baseline";
    private const string Subject = "velithon";

    /// <summary>Reads every result file in <paramref name="folder"/> and writes the charts there; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string folder)
    {
        var written = new List<string>();
        foreach (var (name, chart) in Build(ResultSet.LoadAll(folder)))
        {
            string path = Path.Combine(folder, name + ".svg");
            File.WriteAllText(path, SvgBarChart.Write(chart));
            written.Add(path);
        }

        return written;
    }

    /// <summary>The charts the result sets allow, by file name (without <c>.svg</c>).</summary>
    public static IEnumerable<(string Name, BarChart Chart)> Build(IReadOnlyList<ResultSet> results)
    {
        var load = results.FirstOrDefault(r => r.Name == "load");
        if (load is not null)
        {
            if (Chart(
                "Echo throughput by scenario (messages per second, JIT)", "messages/s", true,
                [(load, load.Figures.Where(f => f.Metric == "msg/s" && f.Scenario.StartsWith("echo ", StringComparison.Ordinal)))]) is { } throughput)
            {
                yield return ("throughput", throughput);
            }

            if (Chart(
                "Echo p99 latency by scenario (microseconds per round trip, JIT)", "µs", false,
                [(load, load.Figures.Where(f => f.Metric == "p99 us" && f.Scenario.StartsWith("echo ", StringComparison.Ordinal)))]) is { } latency)
            {
                yield return ("latency-p99", latency);
            }

            if (Chart(
                "Broadcast deliveries per second (JIT)", "deliveries/s", true,
                [(load, load.Figures.Where(f => f.Metric == "deliveries/s"))]) is { } broadcast)
            {
                yield return ("broadcast", broadcast);
            }
        }

        var callgrind = results.Where(r => r.Name.StartsWith("callgrind-echo-", StringComparison.Ordinal)).ToList();
        if (Chart(
            "Server instructions per echoed message (Native AOT, callgrind)", "instructions", false,
            callgrind.Select(r => (r, r.Figures.AsEnumerable())).ToList()) is { } instructions)
        {
            yield return ("instructions", instructions);
        }

        var aot = results.FirstOrDefault(r => r.Name == "aot");
        var idle = new List<(ResultSet, IEnumerable<Figure>)>();
        if (aot is not null)
        {
            idle.Add((aot, aot.Figures.Where(f => f.Metric == "KiB/conn").Select(f => f with { Scenario = $"Native AOT, {Idle(f)}" })));
        }

        if (load is not null)
        {
            idle.Add((load, load.Figures.Where(f => f.Metric == "KiB/conn").Select(f => f with { Scenario = $"JIT, {Idle(f)}" })));
        }

        if (Chart("Memory per idle connection (KiB, server RSS delta / connections)", "KiB per connection", false, idle) is { } memory)
        {
            yield return ("idle-memory", memory);
        }
    }

    /// <summary>
    /// A chart of the baseline and the subject over <paramref name="figures"/>, one group per figure, with each result
    /// set named in the heading; null when there is no figure with both servers.
    /// </summary>
    public static BarChart? Chart(string title, string unit, bool higherIsBetter, IReadOnlyList<(ResultSet Source, IEnumerable<Figure> Figures)> figures)
    {
        var groups = new List<BarGroup>();
        var sources = new List<ResultSet>();
        foreach (var (source, sourceFigures) in figures)
        {
            foreach (var figure in sourceFigures.Where(f => f.Values.ContainsKey(Baseline) && f.Values.ContainsKey(Subject)))
            {
                double ratio = figure.PairedRatio(Subject);
                // The titles say "echo"; the labels keep what differs: kind, size, connections.
                string label = figure.Scenario.StartsWith("echo ", StringComparison.Ordinal) ? figure.Scenario[5..] : figure.Scenario;
                groups.Add(new BarGroup(label, [figure.Median(Baseline), figure.Median(Subject)], double.IsFinite(ratio) ? ratio : figure.Ratio(Subject)));
                if (!sources.Contains(source))
                {
                    sources.Add(source);
                }
            }
        }

        return groups.Count == 0 ? null : new BarChart(title, sources.SelectMany(Describe).ToList(), unit, higherIsBetter, [Baseline, Subject], groups);
    }

    private static string Idle(Figure figure) =>
        figure.Scenario.StartsWith("idle x", StringComparison.Ordinal) && int.TryParse(figure.Scenario.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            ? $"{count:N0} idle connections"
            : figure.Scenario;

    private static IEnumerable<string> Describe(ResultSet result)
    {
        int rounds = result.Figures.SelectMany(f => f.Values.Values).Select(v => v.Count).DefaultIfEmpty(0).Max();
        yield return string.Create(CultureInfo.InvariantCulture,
            $"{result.Name}.json, {result.Date:yyyy-MM-dd HH:mm} UTC, medians of {rounds} rounds: {result.Command}");
        yield return $"{result.Machine}; {result.Load}";
    }
}
