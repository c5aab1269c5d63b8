namespace Velithon.Benchmarks.Charts;

/// <summary>
/// A grouped bar chart: one group per scenario, one bar per server in each group, and the subject's ratio to the
/// baseline over each group. Data only; <see cref="SvgBarChart"/> draws it.
/// </summary>
/// <param name="Title">The chart's heading: what is measured and in which unit.</param>
/// <param name="Sources">Where the figures come from: one line per result file (date, command, machine, load).</param>
/// <param name="Unit">The unit of the value axis, as printed beside it.</param>
/// <param name="HigherIsBetter">Whether a ratio above 1 is good for the subject (rates) or bad (latency, instructions, memory).</param>
/// <param name="Series">The servers, in bar order; the first is the baseline the ratios are against.</param>
/// <param name="Groups">The scenarios, left to right.</param>
public sealed record BarChart(string Title, IReadOnlyList<string> Sources, string Unit, bool HigherIsBetter, IReadOnlyList<string> Series, IReadOnlyList<BarGroup> Groups);

/// <summary>One scenario of a <see cref="BarChart"/>.</summary>
/// <param name="Label">The scenario, printed under its bars.</param>
/// <param name="Values">One value per series, in the chart's series order; NaN leaves the bar out.</param>
/// <param name="Ratio">The last series against the first (for the benchmarks, the median of the per-round ratios), printed over the group.</param>
public sealed record BarGroup(string Label, IReadOnlyList<double> Values, double Ratio);
