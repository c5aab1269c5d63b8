using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Tests;

/// <summary>Compiles test sources against .NET, ASP.NET Core and Velithon, and runs the generator and analyzer on them.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(LoadReferences);

    /// <summary>.NET, ASP.NET Core, Velithon and Velithon.Testing, from the test process.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(OutputKind.DynamicallyLinkedLibrary, sources);

    public static CSharpCompilation CreateCompilation(OutputKind kind, params string[] sources) =>
        CSharpCompilation.Create(
            "TestApp",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new VelithonGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator on a compilation with mistakes; returns what it reports and the compilation with its sources.</summary>
    public static (ImmutableArray<Diagnostic> Diagnostics, Compilation Output, GeneratorRunResult Result) RunWithDiagnostics(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (diagnostics, output, driver.GetRunResult().Results.Single());
    }

    /// <summary>Runs the generator; returns the driver (for re-runs) and the compilation with the generated sources.</summary>
    public static (GeneratorDriver Driver, Compilation Output, GeneratorRunResult Result) Run(Compilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        return (driver, output, driver.GetRunResult().Results.Single());
    }

    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation) =>
        await compilation
            .WithAnalyzers([new VelithonEndpointAnalyzer()], new AnalyzerOptions([]))
            .GetAnalyzerDiagnosticsAsync();

    /// <summary>Asserts that a compilation has no warnings or errors, listing them when it does.</summary>
    public static void AssertClean(Compilation compilation)
    {
        var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "Unexpected diagnostics:\n" + string.Join("\n", problems));
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var frameworkFolders = new[] { typeof(object), typeof(HttpContext) }
            .Select(type => Path.GetDirectoryName(type.Assembly.Location)!)
            .ToHashSet(StringComparer.Ordinal);
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => frameworkFolders.Contains(Path.GetDirectoryName(path)!));
        var velithon = new[]
        {
            typeof(WebSocket).Assembly.Location,
            typeof(Velithon.Routing.WebSocketRouteBuilderExtensions).Assembly.Location,
            typeof(Velithon.ContractClient).Assembly.Location,
            typeof(Velithon.Testing.VelithonTestServer).Assembly.Location,
            typeof(Microsoft.AspNetCore.TestHost.TestServer).Assembly.Location,
        };
        return [.. platform.Concat(velithon).Distinct(StringComparer.Ordinal).Select(path => MetadataReference.CreateFromFile(path))];
    }
}
