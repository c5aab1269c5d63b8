using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Velithon.Demo.Tests;

/// <summary>
/// What an editor does with the installed <c>Velithon</c> package: loads its analyzer assemblies
/// (<c>analyzers/dotnet/cs</c>), runs the generator and the analyzer on a document in a Roslyn workspace, and applies
/// the code fix that <c>Velithon.CodeFixes.dll</c> offers for a diagnostic. The assemblies are the package's, found
/// by path and reflection, never the repository's.
/// </summary>
internal sealed class PackageCodeFix
{
    private readonly string _analyzers;
    private readonly string _libraries;
    private readonly AssemblyLoadContext _context = new("Velithon package analyzers");

    /// <param name="installedPackage">The package folder NuGet installed (holding <c>analyzers/</c> and <c>lib/</c>).</param>
    public PackageCodeFix(string installedPackage)
    {
        _analyzers = Path.Combine(installedPackage, "analyzers", "dotnet", "cs");
        _libraries = Path.Combine(installedPackage, "lib", "net10.0");
    }

    /// <summary>
    /// Analyzes <paramref name="source"/> (a file of an app that references the package) with the package's generator
    /// and analyzer, and applies the code fix <paramref name="equivalenceKey"/> registered for the only
    /// <paramref name="diagnosticId"/>; returns that diagnostic and the fixed source.
    /// </summary>
    public async Task<(Diagnostic Diagnostic, string FixedSource)> FixAsync(string fileName, string source, string diagnosticId, string equivalenceKey)
    {
        var generators = new AnalyzerFileReference(Path.Combine(_analyzers, "Velithon.Generators.dll"), new Loader(_context));
        using var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var documentId = DocumentId.CreateNewId(projectId);
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(
                projectId,
                VersionStamp.Create(),
                "app",
                "app",
                LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
                metadataReferences: References(),
                analyzerReferences: [generators]))
            .AddDocument(documentId, fileName, SourceText.From(source), filePath: fileName);
        Assert.True(workspace.TryApplyChanges(solution));

        // The project's compilation runs the package's generator (the route table); the analyzer then runs on it, as in a build.
        var project = workspace.CurrentSolution.GetProject(projectId)!;
        Assert.Contains(await project.GetSourceGeneratedDocumentsAsync(), generated => generated.HintName == "Velithon.Routes.g.cs");
        var compilation = (await project.GetCompilationAsync())!;
        var analyzers = generators.GetAnalyzers(LanguageNames.CSharp);
        Assert.NotEmpty(analyzers);
        var diagnostics = await compilation.WithAnalyzers(analyzers, project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
        var diagnostic = Assert.Single(diagnostics, d => d.Id == diagnosticId);

        // The package's code fixes, by reflection, as an editor's catalog would find them: the one provider for the ID.
        var codeFixes = new Loader(_context).LoadFromPath(Path.Combine(_analyzers, "Velithon.CodeFixes.dll"));
        var provider = Assert.Single(
            codeFixes.GetTypes()
                .Where(type => type.IsSubclassOf(typeof(CodeFixProvider)) && !type.IsAbstract)
                .Select(type => (CodeFixProvider)Activator.CreateInstance(type)!),
            candidate => candidate.FixableDiagnosticIds.Contains(diagnosticId));
        var actions = new List<CodeAction>();
        var document = project.GetDocument(documentId)!;
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        var fix = Assert.Single(actions, action => action.EquivalenceKey == equivalenceKey);

        var operations = await fix.GetOperationsAsync(CancellationToken.None);
        Assert.Single(operations.OfType<ApplyChangesOperation>()).Apply(workspace, CancellationToken.None);
        var text = await workspace.CurrentSolution.GetDocument(documentId)!.GetTextAsync();
        return (diagnostic, text.ToString());
    }

    /// <summary>The app's references: .NET and ASP.NET Core from this process's framework folders, and the package's libraries.</summary>
    private ImmutableArray<MetadataReference> References()
    {
        var frameworks = new[] { typeof(object), typeof(Microsoft.AspNetCore.Http.HttpContext) }
            .Select(type => Path.GetDirectoryName(type.Assembly.Location)!)
            .ToHashSet(StringComparer.Ordinal);
        var framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => frameworks.Contains(Path.GetDirectoryName(path)!));
        return [.. framework.Concat(Directory.EnumerateFiles(_libraries, "*.dll")).Select(path => MetadataReference.CreateFromFile(path))];
    }

    /// <summary>Loads the package's analyzer assemblies into their own context; Roslyn itself comes from this process, as in an editor.</summary>
    private sealed class Loader(AssemblyLoadContext context) : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        // A context loads an assembly once; a second load of the same name would throw.
        public Assembly LoadFromPath(string fullPath) =>
            context.Assemblies.FirstOrDefault(assembly => assembly.Location == fullPath) ?? context.LoadFromAssemblyPath(fullPath);
    }
}
