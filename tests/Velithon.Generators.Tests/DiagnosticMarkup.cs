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
    public static async Task<IReadOnlyList<Diagnostic>> VerifyAsync(string markedSource)
    {
        var (source, expected) = Parse(markedSource);
        var compilation = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + source);
        int offset = SnapshotTests.Usings.Length;

        var compilerErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(compilerErrors.Count == 0, "The test source does not compile:\n" + string.Join("\n", compilerErrors));

        var actual = (await GeneratorHarness.AnalyzeAsync(compilation))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToList();
        var actualMarks = actual.Select(d => (d.Id, Start: d.Location.SourceSpan.Start - offset, End: d.Location.SourceSpan.End - offset)).ToList();
        Assert.Equal(expected, actualMarks);
        Assert.All(actual, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        return actual;
    }

    private static (string Source, List<(string Id, int Start, int End)> Expected) Parse(string marked)
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
