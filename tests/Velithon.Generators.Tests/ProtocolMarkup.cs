using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Velithon.Generators.Tests;

/// <summary>
/// Runs one protocol analyzer on a marked source (<c>{|VLT0032:text|}</c>, as <see cref="DiagnosticMarkup"/>) and checks
/// that it reports exactly the marked IDs at exactly the marked spans: every diagnostic asserted, none left over.
/// These rules look at handler bodies, which the generator never reads, so there is no generator report to compare.
/// </summary>
internal static class ProtocolMarkup
{
    public static async Task<IReadOnlyList<Diagnostic>> VerifyAsync(
        DiagnosticAnalyzer analyzer,
        string markedSource,
        IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var (source, expected) = DiagnosticMarkup.Parse(markedSource);
        var (_, output, _) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + source));
        var compilerErrors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(compilerErrors.Count == 0, "The test source does not compile:\n" + string.Join("\n", compilerErrors));

        var actual = (await AnalyzeAsync(output, analyzer, buildProperties)).OrderBy(d => d.Location.SourceSpan.Start).ToList();
        int offset = SnapshotTests.Usings.Length;
        Assert.Equal(
            expected,
            actual.Select(d => (d.Id, Start: d.Location.SourceSpan.Start - offset, End: d.Location.SourceSpan.End - offset)).ToList());
        return actual;
    }

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(
        Compilation compilation,
        DiagnosticAnalyzer analyzer,
        IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var options = new AnalyzerOptions([], new BuildProperties(buildProperties ?? new Dictionary<string, string>()));
        return await compilation.WithAnalyzers([analyzer], options).GetAnalyzerDiagnosticsAsync();
    }

    public static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(CultureInfo.InvariantCulture);

    /// <summary>What MSBuild passes for <c>CompilerVisibleProperty</c> items: <c>build_property.Name</c> in the global options.</summary>
    private sealed class BuildProperties(IReadOnlyDictionary<string, string> properties) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(properties.ToDictionary(p => "build_property." + p.Key, p => p.Value));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new([]);

            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}
