using System.Globalization;
using System.Text;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>The fan-out matrix's results: one tab-separated line per point, and markdown tables from those lines.</summary>
public static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string ToLine(FanOutScenario.Result r) => string.Join('\t',
        r.Design, r.Placement, r.Servers, r.Groups, r.Members, r.Messages,
        string.Join(',', r.Received), string.Join(',', r.Predicted), string.Join(',', r.Bytes),
        r.Deliveries, r.ExpectedDeliveries, r.Subscriptions, r.Channels,
        r.RedisCpuMs.ToString("F1", Invariant), r.Seconds.ToString("F2", Invariant), r.MetricReceived, r.MetricPublished, r.Nodes);

    public static FanOutScenario.Result FromLine(string line)
    {
        var f = line.Split('\t');
        static long[] Longs(string text) => text.Split(',').Select(v => long.Parse(v, Invariant)).ToArray();
        return new FanOutScenario.Result(
            f[0], f[1], int.Parse(f[2], Invariant), int.Parse(f[3], Invariant), int.Parse(f[4], Invariant), int.Parse(f[5], Invariant),
            Longs(f[6]), Longs(f[7]), Longs(f[8]), long.Parse(f[9], Invariant), long.Parse(f[10], Invariant),
            long.Parse(f[11], Invariant), long.Parse(f[12], Invariant), double.Parse(f[13], Invariant), double.Parse(f[14], Invariant),
            long.Parse(f[15], Invariant), long.Parse(f[16], Invariant), f.Length > 17 ? f[17] : "");
    }

    /// <summary>One design's points.</summary>
    public static string Table(IReadOnlyList<FanOutScenario.Result> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| design | placement | servers | rooms × members | messages | per server: min / mean / max | predicted mean (per-room) | exact | all servers | KiB to servers | subscriptions | Redis CPU ms | deliveries |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            bool exact = r.Received.SequenceEqual(r.Predicted);
            text.AppendLine(string.Create(Invariant,
                $"| {r.Design} | {r.Placement} | {r.Servers} | {r.Groups:N0} × {r.Members} | {r.Messages:N0} | {r.Received.Min():N0} / {r.Received.Average():N0} / {r.Received.Max():N0} | {r.Predicted.Average():N0} | {(exact ? "yes" : "no")} | {r.Received.Sum():N0} | {r.Bytes.Sum() / 1024.0:N0} | {r.Subscriptions:N0} | {r.RedisCpuMs:N0} | {r.Deliveries:N0} of {r.ExpectedDeliveries:N0} |"));
        }

        foreach (var r in results.Where(r => r.Nodes.Length > 0))
        {
            text.AppendLine(string.Create(Invariant, $"- {r.Design}, {r.Servers} servers, {r.Groups:N0} rooms: {r.Nodes}"));
        }

        return text.ToString();
    }

    /// <summary>The two designs side by side, point by point (same seed, so the same placement and messages).</summary>
    public static string Compare(IReadOnlyList<FanOutScenario.Result> baseline, IReadOnlyList<FanOutScenario.Result> subject)
    {
        var text = new StringBuilder();
        text.AppendLine($"| placement | servers | rooms × members | messages | Redis messages per server: {baseline[0].Design} | {subject[0].Design} (min–max) | ratio | all servers: {baseline[0].Design} / {subject[0].Design} | KiB to servers | subscriptions | Redis CPU ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in subject)
        {
            var b = baseline.FirstOrDefault(r => r.Placement == s.Placement && r.Servers == s.Servers && r.Groups == s.Groups && r.Members == s.Members && r.Messages == s.Messages);
            if (b is null)
            {
                continue;
            }

            text.AppendLine(string.Create(Invariant,
                $"| {s.Placement} | {s.Servers} | {s.Groups:N0} × {s.Members} | {s.Messages:N0} | {b.Received.Average():N0} | {s.Received.Average():N0} ({s.Received.Min():N0}–{s.Received.Max():N0}) | {s.Received.Average() / b.Received.Average():F3} | {b.Received.Sum():N0} / {s.Received.Sum():N0} | {b.Bytes.Sum() / 1024.0:N0} / {s.Bytes.Sum() / 1024.0:N0} | {b.Subscriptions:N0} / {s.Subscriptions:N0} | {b.RedisCpuMs:N0} / {s.RedisCpuMs:N0} |"));
        }

        return text.ToString();
    }
}
