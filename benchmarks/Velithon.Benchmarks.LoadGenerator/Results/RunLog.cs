namespace Velithon.Benchmarks.Results;

/// <summary>
/// The figures this process measured, collected as the measurements finish so every mode (load, callgrind, aot)
/// can hand them to <see cref="ResultSet"/> without threading a collector through each measurement.
/// </summary>
public static class RunLog
{
    private static readonly List<Figure> Measured = [];
    private static readonly List<string> Titles = [];

    /// <summary>The load averages when the process started measuring; call <see cref="Begin"/> first thing.</summary>
    public static string LoadAtStart { get; private set; } = "unknown";

    /// <summary>Notes the machine's load before anything runs.</summary>
    public static void Begin() => LoadAtStart = ResultSet.ReadLoad();

    /// <summary>Adds a figure; <paramref name="title"/> is the measurement's description, kept once.</summary>
    public static void Add(string title, Figure figure)
    {
        lock (Measured)
        {
            if (!Titles.Contains(title))
            {
                Titles.Add(title);
            }

            Measured.Add(figure);
        }
    }

    /// <summary>Everything measured so far as one result set, dated now, with the load at start and now.</summary>
    public static ResultSet ToResultSet(string name, string command)
    {
        lock (Measured)
        {
            return new ResultSet(
                name,
                string.Join(" ", Titles),
                command,
                DateTimeOffset.UtcNow,
                ResultSet.DescribeMachine(),
                $"load average {LoadAtStart} at start, {ResultSet.ReadLoad()} at end",
                [.. Measured]);
        }
    }
}
