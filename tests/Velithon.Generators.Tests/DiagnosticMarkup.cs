using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Velithon.Generators.Tests;

/// <summary>
/// Test sources mark each expected diagnostic as <c>{|VLT0003:text|}</c>; this strips the markers
/// and checks that the analyzer reports exactly those IDs at exactly those spans, no more.
/// </summary>
internal static partial class DiagnosticMarkup
{
    /// <summary>
    /// Checks the analyzer's diagnostics against the markers, and that the generator reports the same
    /// diagnostics for every handler it leaves out (equal, so the compiler shows each once): a build with
    /// analyzers off fails on the same mistakes.
    /// </summary>
    public static async Task<IReadOnlyList<Diagnostic>> VerifyAsync(string markedSource) =>
        await VerifyAsync(markedSource, OutputKind.DynamicallyLinkedLibrary, DiagnosticSeverity.Error);

    public static async Task<IReadOnlyList<Diagnostic>> VerifyAsync(string markedSource, OutputKind kind, DiagnosticSeverity severity)
    {
        var (source, expected) = Parse(markedSource);
        var compilation = GeneratorHarness.CreateCompilation(kind, SnapshotTests.Usings + source);
        int offset = SnapshotTests.Usings.Length;

        // The analyzer runs after the generator, as in a build: code may call the generated MapVelithon().
        var (generated, output, _) = GeneratorHarness.RunWithDiagnostics(compilation);
        var compilerErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(compilerErrors.Count == 0, "The test source does not compile:\n" + string.Join("\n", compilerErrors));

        var actual = (await GeneratorHarness.AnalyzeAsync(output))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToList();
        var actualMarks = actual.Select(d => (d.Id, Start: d.Location.SourceSpan.Start - offset, End: d.Location.SourceSpan.End - offset)).ToList();
        Assert.Equal(expected, actualMarks);
        Assert.All(actual, d => Assert.Equal(severity, d.Severity));

        // The generator reports every error as the analyzer does, duplicate routes (VLT0002) included, so a build
        // without analyzers fails too; only the mapping warnings (VLT0025, VLT0026) need the analyzer's view of calls.
        var perHandler = actual.Where(d => d.Id is not ("VLT0025" or "VLT0026")).ToList();
        Assert.Equal(
            perHandler.Select(d => d.ToString()).OrderBy(d => d, StringComparer.Ordinal),
            generated.Select(d => d.ToString()).OrderBy(d => d, StringComparer.Ordinal));
        Assert.All(generated, d => Assert.Contains(d, perHandler));
        return actual;
    }

    /// <summary>The source without its markers.</summary>
    public static string Strip(string marked) => Parse(marked).Source;

    internal static (string Source, List<(string Id, int Start, int End)> Expected) Parse(string marked)
    {
        var source = new StringBuilder();
        var expected = new List<(string, int, int)>();
        int position = 0;
        foreach (Match match in Marker().Matches(marked))
        {
            source.Append(marked, position, match.Index - position);
            int start = source.Length;
            source.Append(match.Groups["text"].Value);
            expected.Add((match.Groups["id"].Value, start, source.Length));
            position = match.Index + match.Length;
        }

        source.Append(marked, position, marked.Length - position);
        return (source.ToString(), expected.OrderBy(e => e.Item2).ToList());
    }

    [GeneratedRegex(@"\{\|(?<id>VLT\d{4}):(?<text>.*?)\|\}", RegexOptions.Singleline)]
    private static partial Regex Marker();
}
