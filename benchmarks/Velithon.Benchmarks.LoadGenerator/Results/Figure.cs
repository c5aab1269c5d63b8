using System.Text.Json.Serialization;

namespace Velithon.Benchmarks.Results;

/// <summary>
/// One measured figure of a run: every round's value per server, so a reader (or a chart) can take the median,
/// the spread and the paired per-round ratio, not only a summary somebody chose.
/// </summary>
/// <param name="Scenario">What ran, as the charts label it: <c>echo text 32 B x64</c>, <c>idle x10000</c>.</param>
/// <param name="Metric">What was measured: <c>msg/s</c>, <c>p99 us</c>, <c>instructions per message</c>.</param>
/// <param name="HigherIsBetter">True for rates, false for latencies, instructions and memory.</param>
/// <param name="Values">Per server name (<c>baseline</c>, <c>velithon</c>, ...), the value of each round in run order;
/// round i of one server ran next to round i of the others.</param>
public sealed record Figure(string Scenario, string Metric, bool HigherIsBetter, Dictionary<string, List<double>> Values)
{
    /// <summary>The figure's name in the markdown tables: scenario and metric.</summary>
    [JsonIgnore]
    public string Name => $"{Scenario} {Metric}";

    /// <summary>The median of <paramref name="server"/>'s rounds, or NaN when that server did not run this figure.</summary>
    public double Median(string server) => Values.TryGetValue(server, out var values) && values.Count > 0 ? Measure.Median(values) : double.NaN;

    /// <summary>The median of <paramref name="server"/>'s rounds divided by the baseline's median (NaN without both).</summary>
    public double Ratio(string server, string baseline = "baseline") => Median(server) / Median(baseline);

    /// <summary>
    /// The median over rounds of <paramref name="server"/>'s value divided by the baseline's in the same round. Rounds
    /// ran side by side, so a machine that slows down for a while moves both halves of a pair: on shared cores this is
    /// steadier than the ratio of the medians. NaN when the servers do not have the same number of rounds.
    /// </summary>
    public double PairedRatio(string server, string baseline = "baseline") =>
        PairedRatios(server, baseline) is { Count: > 0 } ratios ? Measure.Median(ratios) : double.NaN;

    /// <summary>Each round's value of <paramref name="server"/> divided by the baseline's in that round.</summary>
    public List<double> PairedRatios(string server, string baseline = "baseline") =>
        Values.TryGetValue(server, out var values) && Values.TryGetValue(baseline, out var reference) && values.Count == reference.Count
            ? values.Zip(reference, (value, against) => value / against).ToList()
            : [];
}
