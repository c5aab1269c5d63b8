using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Velithon.Generators.Tests;

/// <summary>
/// A trimmed or Native AOT app gets IL2026 and IL3050 at each JSON call without a JsonTypeInfo: the SDK's own
/// trim and AOT analyzers (ILLink.RoslynAnalyzer, what IsTrimmable / PublishAot turn on) run on a compilation
/// that makes those calls.
/// </summary>
public sealed class TrimAnalysisTests
{
    private const string Source = """
        using System.Collections.Generic;
        using System.Text.Json;
        using System.Text.Json.Serialization.Metadata;
        using System.Threading.Tasks;
        using Velithon;

        public sealed record MyRecord(int X);

        public static class App
        {
            public static async Task Run(WebSocket ws, IWebSocketHub hub, BroadcastTarget target, JsonTypeInfo<MyRecord> info)
            {
                await ws.SendJsonAsync(new { type = "message", data = "Hello" });
                await ws.SendJsonAsync(new Dictionary<string, string>());
                await ws.ReceiveJsonAsync<JsonElement>();
                await ws.ReceiveJsonAsync<MyRecord>();
                await hub.BroadcastJsonAsync(target, new MyRecord(1));
                await target.SendJsonAsync(new MyRecord(1));
                await ws.SendJsonAsync(new MyRecord(1), info);
                await ws.ReceiveJsonAsync(info);
                await hub.BroadcastJsonAsync(target, new MyRecord(1), info);
            }
        }
        """;

    [Fact]
    public async Task JsonWithoutTypeInfo_WarnsIL2026AndIL3050AtTheCall_UnderTheTrimAndAotAnalyzers()
    {
        var compilation = GeneratorHarness.CreateCompilation(Source);
        GeneratorHarness.AssertClean(compilation);

        var diagnostics = await compilation
            .WithAnalyzers(LoadIlLinkAnalyzers(), new AnalyzerOptions([], new BuildProperties(new Dictionary<string, string>
            {
                // What IsTrimmable / IsAotCompatible / PublishAot set for the analyzers.
                ["build_property.EnableTrimAnalyzer"] = "true",
                ["build_property.EnableAotAnalyzer"] = "true",
                ["build_property.EnableSingleFileAnalyzer"] = "true",
            })))
            .GetAnalyzerDiagnosticsAsync();

        // Lines 13-18 (1-based) make the six calls without a JsonTypeInfo; lines 19-21 pass one.
        var found = diagnostics
            .Where(diagnostic => diagnostic.Id is "IL2026" or "IL3050")
            .Select(diagnostic => (diagnostic.Id, Line: diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1))
            .Order()
            .ToList();
        var expected = Enumerable.Range(13, 6).SelectMany(line => new[] { ("IL2026", line), ("IL3050", line) }).Order().ToList();
        Assert.Equal(expected, found);
        Assert.All(diagnostics.Where(diagnostic => diagnostic.Id is "IL2026"),
            diagnostic => Assert.Contains("JSON without a JsonTypeInfo<T>", diagnostic.GetMessage(), StringComparison.Ordinal));
    }

    internal static ImmutableArray<DiagnosticAnalyzer> LoadIlLinkAnalyzers()
    {
        string path = typeof(TrimAnalysisTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "ILLinkAnalyzer").Value!;
        Assert.True(File.Exists(path), $"The ILLink analyzer is not at {path}; restore the test project.");
        var analyzers = Assembly.LoadFrom(path).GetTypes()
            .Where(type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type)
                && type.GetCustomAttributes<DiagnosticAnalyzerAttribute>().Any())
            .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
            .ToImmutableArray();
        Assert.NotEmpty(analyzers);
        return analyzers;
    }

    /// <summary>The MSBuild properties the analyzers read, as the SDK passes them (global analyzer config).</summary>
    internal sealed class BuildProperties(IReadOnlyDictionary<string, string> properties) : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global = new(properties);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _global;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _global;

        private sealed class Options(IReadOnlyDictionary<string, string> properties) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => properties.TryGetValue(key, out value!);
        }
    }
}
