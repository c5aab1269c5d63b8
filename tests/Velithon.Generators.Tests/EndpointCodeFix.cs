using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Velithon.Generators.Diagnostics;

namespace Velithon.Generators.Tests;

/// <summary>
/// Applies a code fix of the endpoint analyzer's diagnostics in a workspace, as an editor applies it, one fix or all
/// of a scope; checks that the fixed project compiles with no warning and that neither the analyzer nor the generator
/// reports anything in it.
/// </summary>
internal static class EndpointCodeFix
{
    /// <summary>The fix <paramref name="equivalenceKey"/> for the one <paramref name="id"/> in <paramref name="source"/> (after SnapshotTests.Usings).</summary>
    public static async Task<string> ApplyAsync(CodeFixProvider provider, string id, string equivalenceKey, string source) =>
        (await ApplyAsync(provider, id, equivalenceKey, [SnapshotTests.Usings + source]))[0];

    /// <summary>The fix <paramref name="equivalenceKey"/> for the one <paramref name="id"/> in <paramref name="sources"/>, taken as written; the texts of all documents after it.</summary>
    public static async Task<string[]> ApplyAsync(CodeFixProvider provider, string id, string equivalenceKey, string[] sources)
    {
        using var workspace = new AdhocWorkspace();
        var documents = Create(workspace, sources);
        var (document, diagnostic) = await FindAsync(documents, id);
        var chosen = Assert.Single(await OffersAsync(provider, document, diagnostic), a => a.EquivalenceKey == equivalenceKey);
        var operation = Assert.Single((await chosen.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
        return await CheckAsync(operation.ChangedSolution, documents);
    }

    /// <summary>The fix-all of <paramref name="equivalenceKey"/> for every <paramref name="id"/> in <paramref name="scope"/> of the first document.</summary>
    public static Task<string[]> FixAllAsync(CodeFixProvider provider, string id, string equivalenceKey, FixAllScope scope, params string[] sources) =>
        FixAllAsync(new VelithonEndpointAnalyzer(), provider, id, equivalenceKey, scope, sources);

    /// <summary>
    /// The fix-all of <paramref name="equivalenceKey"/> for every <paramref name="id"/> that <paramref name="analyzer"/>
    /// reports in <paramref name="scope"/> of the first document; after it, that analyzer reports nothing either.
    /// </summary>
    public static async Task<string[]> FixAllAsync(
        DiagnosticAnalyzer analyzer,
        CodeFixProvider provider,
        string id,
        string equivalenceKey,
        FixAllScope scope,
        string[] sources,
        IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        using var workspace = new AdhocWorkspace();
        var documents = Create(workspace, sources);
        await FindAsync(documents, id: null);
        var diagnostics = new AnalyzerDiagnosticProvider(analyzer, buildProperties);
        Assert.True((await diagnostics.GetAllDiagnosticsAsync(documents[0].Project, CancellationToken.None)).Count(d => d.Id == id) > 1, "A fix-all test needs more than one " + id);
        var context = new FixAllContext(documents[0], provider, scope, equivalenceKey, [id], diagnostics, CancellationToken.None);
        var action = await provider.GetFixAllProvider()!.GetFixAsync(context);
        var operation = Assert.Single((await action!.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
        return await CheckAsync(operation.ChangedSolution, documents, analyzer, buildProperties);
    }

    /// <summary>The fixes offered for the one <paramref name="id"/> in <paramref name="source"/> (after SnapshotTests.Usings).</summary>
    public static Task<IReadOnlyList<CodeAction>> OffersAsync(CodeFixProvider provider, string id, string source) =>
        OffersAsync(provider, id, [SnapshotTests.Usings + source]);

    /// <summary>The fixes offered for the one <paramref name="id"/> in <paramref name="sources"/>, taken as written.</summary>
    public static async Task<IReadOnlyList<CodeAction>> OffersAsync(CodeFixProvider provider, string id, string[] sources)
    {
        using var workspace = new AdhocWorkspace();
        var documents = Create(workspace, sources);
        var (document, diagnostic) = await FindAsync(documents, id);
        return await OffersAsync(provider, document, diagnostic);
    }

    private static async Task<List<CodeAction>> OffersAsync(CodeFixProvider provider, Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return actions;
    }

    private static Document[] Create(AdhocWorkspace workspace, string[] sources)
    {
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "TestApp",
            "TestApp",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.References));
        // Each AddDocument returns the document in the solution of its time: take them all from the final one.
        var ids = sources.Select((source, i) => workspace.AddDocument(project.Id, $"Source{i}.cs", SourceText.From(source)).Id).ToList();
        return [.. ids.Select(id => workspace.CurrentSolution.GetDocument(id)!)];
    }

    /// <summary>Checks that the sources compile; returns the one <paramref name="id"/> the analyzer reports in them, and its document.</summary>
    private static async Task<(Document Document, Diagnostic Diagnostic)> FindAsync(Document[] documents, string? id)
    {
        var compilation = (await documents[0].Project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The test source does not compile:\n" + string.Join("\n", errors));
        if (id is null)
        {
            return default;
        }

        var diagnostics = await GeneratorHarness.AnalyzeAsync(compilation);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        foreach (var document in documents)
        {
            if (await document.GetSyntaxTreeAsync() == diagnostic.Location.SourceTree)
            {
                return (document, diagnostic);
            }
        }

        throw new InvalidOperationException($"{id} is in no document: {diagnostic}");
    }

    private static async Task<string[]> CheckAsync(Solution changed, Document[] documents, DiagnosticAnalyzer? analyzer = null, IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var project = changed.GetProject(documents[0].Project.Id)!;
        var compilation = (await project.GetCompilationAsync())!;
        var (generated, output, _) = GeneratorHarness.RunWithDiagnostics(compilation);
        Assert.Empty(generated);
        GeneratorHarness.AssertClean(output);
        Assert.Empty(await GeneratorHarness.AnalyzeAsync(output));
        if (analyzer is not null)
        {
            Assert.Empty(await ProtocolMarkup.AnalyzeAsync(output, analyzer, buildProperties));
        }
        return [.. await Task.WhenAll(documents.Select(async d => (await changed.GetDocument(d.Id)!.GetTextAsync()).ToString()))];
    }
}
