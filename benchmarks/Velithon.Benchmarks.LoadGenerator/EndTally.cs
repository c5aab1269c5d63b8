using System.Globalization;
using System.Text;

namespace Velithon.Benchmarks;

/// <summary>
/// The ended connections of the idle-connection benchmark, counted by when and why they ended: the phase of the run
/// (<c>fill</c>, <c>hold</c>, <c>ping</c> before the connection's pong, <c>after-pong</c>), how
/// (<see cref="ConnectionEndKind"/>) and its detail (close code and reason, socket error, exception type), with the
/// first and last time each was seen. A client process sends it to the benchmark on its <c>pongs</c> line as tokens
/// <c>PHASE/KIND/DETAIL=COUNT,FIRST,LAST</c> (detail URI-escaped, times in Unix milliseconds); the benchmark adds the
/// processes' tallies and describes the sum.
/// </summary>
public sealed class EndTally
{
    private static readonly string[] PhaseOrder = ["fill", "hold", "ping", "after-pong"];

    private readonly SortedDictionary<string, (int Count, long First, long Last)> _entries = new(StringComparer.Ordinal);

    /// <summary>The ended connections counted.</summary>
    public int Count => _entries.Values.Sum(e => e.Count);

    /// <summary>The ended connections whose pong to the final ping had come back first.</summary>
    public int AfterPong => _entries.Where(e => e.Key.StartsWith("after-pong/", StringComparison.Ordinal)).Sum(e => e.Value.Count);

    /// <summary>
    /// Counts <paramref name="ends"/>: an end before <paramref name="filledAt"/> is in the fill, before
    /// <paramref name="pingAt"/> in the hold, and after it in the ping round, or after the pong when that had come back.
    /// </summary>
    /// <param name="ends">The ends to count.</param>
    /// <param name="filledAt">When the client finished opening its connections, Unix milliseconds.</param>
    /// <param name="pingAt">When the final ping round started, Unix milliseconds.</param>
    public static EndTally Of(IEnumerable<ConnectionEnd> ends, long filledAt, long pingAt)
    {
        var tally = new EndTally();
        foreach (var end in ends)
        {
            string phase = end.AfterPong ? "after-pong" : end.AtUnixMilliseconds < filledAt ? "fill" : end.AtUnixMilliseconds < pingAt ? "hold" : "ping";
            tally.Add($"{phase}/{end.Kind}/{Uri.EscapeDataString(end.Detail)}", 1, end.AtUnixMilliseconds, end.AtUnixMilliseconds);
        }

        return tally;
    }

    /// <summary>Reads the tokens <see cref="ToString"/> wrote, separated by spaces; empty for none.</summary>
    /// <exception cref="FormatException">A token is not <c>KEY=COUNT,FIRST,LAST</c>.</exception>
    public static EndTally Parse(string tokens)
    {
        var tally = new EndTally();
        foreach (string token in tokens.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = token.LastIndexOf('=');
            string[] figures = equals < 0 ? [] : token[(equals + 1)..].Split(',');
            if (figures.Length != 3)
            {
                throw new FormatException($"Not a tally token: {token}");
            }

            tally.Add(token[..equals], int.Parse(figures[0], CultureInfo.InvariantCulture), long.Parse(figures[1], CultureInfo.InvariantCulture), long.Parse(figures[2], CultureInfo.InvariantCulture));
        }

        return tally;
    }

    /// <summary>Adds another process's tally to this one.</summary>
    public void Add(EndTally other)
    {
        foreach (var (key, entry) in other._entries)
        {
            Add(key, entry.Count, entry.First, entry.Last);
        }
    }

    /// <summary>The tokens, separated by spaces, in key order; empty for none.</summary>
    public override string ToString() =>
        string.Join(' ', _entries.Select(e => FormattableString.Invariant($"{e.Key}={e.Value.Count},{e.Value.First},{e.Value.Last}")));

    /// <summary>
    /// One line for a reader, by phase then count: <c>fill: 3 reset (ConnectionReset) at 12-40 s; after-pong: 2 close
    /// 1001 "Idle timeout" at 80 s</c>, times in seconds from <paramref name="originUnixMilliseconds"/>; "none" for none.
    /// </summary>
    public string Describe(long originUnixMilliseconds)
    {
        if (_entries.Count == 0)
        {
            return "none";
        }

        var text = new StringBuilder();
        foreach (string phase in PhaseOrder)
        {
            var entries = _entries.Where(e => e.Key.StartsWith(phase + "/", StringComparison.Ordinal)).OrderByDescending(e => e.Value.Count).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
            if (entries.Count == 0)
            {
                continue;
            }

            text.Append(text.Length == 0 ? "" : "; ").Append(phase).Append(": ");
            for (int i = 0; i < entries.Count; i++)
            {
                var (key, (count, first, last)) = (entries[i].Key, entries[i].Value);
                string[] parts = key.Split('/', 3);
                string detail = Uri.UnescapeDataString(parts[2]);
                string how = parts[1] switch
                {
                    nameof(ConnectionEndKind.Close) => "close " + (detail.IndexOf(' ') is int space and > 0 ? $"{detail[..space]} \"{detail[(space + 1)..]}\"" : detail),
                    nameof(ConnectionEndKind.EndOfStream) => "end of stream without a close frame",
                    nameof(ConnectionEndKind.Reset) => $"reset ({detail})",
                    nameof(ConnectionEndKind.ProtocolError) => $"protocol error ({detail})",
                    _ => $"failure ({detail})",
                };
                double from = (first - originUnixMilliseconds) / 1000.0;
                double to = (last - originUnixMilliseconds) / 1000.0;
                string when = to - from < 0.5 ? FormattableString.Invariant($"{from:0} s") : FormattableString.Invariant($"{from:0}-{to:0} s");
                text.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"{count:N0} {how} at {when}");
            }
        }

        return text.ToString();
    }

    private void Add(string key, int count, long first, long last)
    {
        _entries[key] = _entries.TryGetValue(key, out var entry)
            ? (entry.Count + count, Math.Min(entry.First, first), Math.Max(entry.Last, last))
            : (count, first, last);
    }
}
