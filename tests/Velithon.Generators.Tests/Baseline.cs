using System.Runtime.CompilerServices;

namespace Velithon.Generators.Tests;

/// <summary>
/// Approved-file snapshots: <c>Baselines/{Class}.{Test}#{HintName}.txt</c>. A mismatch or a missing
/// baseline fails and writes <c>.received.txt</c> beside it; <c>VELITHON_UPDATE_BASELINES=1</c> rewrites
/// the baselines (and still fails, so an update is never silent).
/// </summary>
internal static class Baseline
{
    private static readonly string Version = typeof(VelithonGenerator).Assembly.GetName().Version!.ToString();

    /// <summary>Compares each generated file with its baseline; in update mode rewrites them all, then fails.</summary>
    public static void VerifyAll(IEnumerable<(string HintName, string Text)> files, [CallerMemberName] string test = "", [CallerFilePath] string callerFile = "")
    {
        var rewritten = new List<string>();
        foreach (var (hintName, text) in files)
        {
            if (Verify(text, hintName, test, callerFile) is { } path)
            {
                rewritten.Add(Path.GetFileName(path));
            }
        }

        if (rewritten.Count > 0)
        {
            Assert.Fail($"Baselines rewritten: {string.Join(", ", rewritten)}; run again without VELITHON_UPDATE_BASELINES.");
        }
    }

    private static string? Verify(string actual, string hintName, string test, string callerFile)
    {
        string className = Path.GetFileNameWithoutExtension(callerFile);
        string folder = Path.Combine(ProjectFolder(), "Baselines");
        string path = Path.Combine(folder, $"{className}.{test}#{hintName}.txt");
        string receivedPath = Path.ChangeExtension(path, ".received.txt");
        string normalized = actual.Replace("\r\n", "\n", StringComparison.Ordinal).Replace(Version, "%VERSION%", StringComparison.Ordinal).TrimStart('\uFEFF');

        if (Environment.GetEnvironmentVariable("VELITHON_UPDATE_BASELINES") == "1")
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(path, normalized);
            return path;
        }

        if (!File.Exists(path))
        {
            File.WriteAllText(receivedPath, normalized);
            Assert.Fail($"Baseline {Path.GetFileName(path)} is missing; the output is in {Path.GetFileName(receivedPath)}. Review it and rename it, or set VELITHON_UPDATE_BASELINES=1.");
        }

        string[] expectedLines = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string[] actualLines = normalized.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? expectedLine = i < expectedLines.Length ? expectedLines[i] : null;
            string? actualLine = i < actualLines.Length ? actualLines[i] : null;
            if (expectedLine != actualLine)
            {
                File.WriteAllText(receivedPath, normalized);
                Assert.Fail($"{Path.GetFileName(path)} line {i + 1}:\n  expected: {expectedLine ?? "<end of file>"}\n  actual:   {actualLine ?? "<end of file>"}\nThe whole output is in {Path.GetFileName(receivedPath)}.");
            }
        }

        File.Delete(receivedPath);
        return null;
    }

    private static string ProjectFolder([CallerFilePath] string thisFile = "") => Path.GetDirectoryName(thisFile)!;
}
