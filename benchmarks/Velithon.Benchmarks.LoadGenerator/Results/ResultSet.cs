using System.Globalization;
using System.Text.Json;

namespace Velithon.Benchmarks.Results;

/// <summary>
/// The machine-readable result of one benchmark run, written as JSON next to docs/benchmarks.md; the charts are
/// drawn from these files only, so a chart always shows a real run and says which.
/// </summary>
/// <param name="Name">The file's name without <c>.json</c>: <c>load</c>, <c>callgrind-echo-binary-32</c>, <c>aot-idle</c>.</param>
/// <param name="Title">What the run measured, in a sentence.</param>
/// <param name="Command">The command that ran it, relative to the repository.</param>
/// <param name="Date">When the run ended (UTC).</param>
/// <param name="Machine">Cores, CPU model, operating system and .NET version.</param>
/// <param name="Load">The load averages of the machine (<c>/proc/loadavg</c>) when the run started and ended.</param>
public sealed record ResultSet(string Name, string Title, string Command, DateTimeOffset Date, string Machine, string Load, List<Figure> Figures)
{
    /// <summary>Writes <c>{directory}/{Name}.json</c>, indented, replacing an earlier run of the same name.</summary>
    public async Task SaveAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        await using var file = File.Create(Path.Combine(directory, Name + ".json"));
        await JsonSerializer.SerializeAsync(file, this, ResultsJsonContext.Default.ResultSet);
    }

    /// <summary>Every result file in <paramref name="directory"/>, by name.</summary>
    public static IReadOnlyList<ResultSet> LoadAll(string directory) =>
        Directory.EnumerateFiles(directory, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(path => JsonSerializer.Deserialize(File.ReadAllText(path), ResultsJsonContext.Default.ResultSet)
                ?? throw new InvalidDataException($"{Path.GetFileName(path)} holds no result set."))
            .ToList();

    /// <summary>The machine this process runs on, as the result files describe it.</summary>
    public static string DescribeMachine()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu}), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }

    /// <summary>The 1, 5 and 15 minute load averages, or "unknown" off Linux.</summary>
    public static string ReadLoad() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
