using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Velithon.CodeFixes;

namespace Velithon.Generators.Tests;

/// <summary>The code fixes of VLT0023, applied in a workspace as an editor applies them; the result compiles clean.</summary>
public sealed class CodeFixTests
{
    private const string Spelled = """
        public static class Handlers
        {
            [WebSocket("/chat/{room_id}/<int:page_no>")]
            public static Task Handle(WebSocket ws, string roomId, int pageNo) => Task.CompletedTask;
        }
        """;

    [Fact]
    public async Task RenameRouteParameter_UsesTheMethodParametersName()
    {
        string fixedSource = await ApplyAsync(Spelled, "RenameRouteParameter", "room_id");
        Assert.Equal(SnapshotTests.Usings + Spelled.Replace("{room_id}", "{roomId}", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task RenameRouteParameter_KeepsTheConverter()
    {
        string fixedSource = await ApplyAsync(Spelled, "RenameRouteParameter", "page_no");
        Assert.Equal(SnapshotTests.Usings + Spelled.Replace("<int:page_no>", "<int:pageNo>", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task AddFromRoute_MarksTheParameter()
    {
        string fixedSource = await ApplyAsync(Spelled, "AddFromRoute", "room_id");
        Assert.Equal(
            SnapshotTests.Usings + Spelled.Replace("string roomId", "[FromRoute(Name = \"room_id\")] string roomId", StringComparison.Ordinal),
            fixedSource);
    }

    [Theory]
    [InlineData("<name>", "name", 1)]
    [InlineData("<int:name>", "name", 5)]
    [InlineData("{name}", "name", 1)]
    [InlineData("{name:int}", "name", 1)]
    [InlineData("{*rest}", "rest", 2)]
    public void RouteParameterName_FindsTheNameInEveryForm(string written, string name, int offset)
    {
        var found = RouteParameterName.Find(written);
        Assert.Equal((name, offset), (found!.Name, found.Offset));
    }

    /// <summary>Applies the fix with <paramref name="equivalenceKey"/> to the VLT0023 on <paramref name="routeParameter"/>; checks the result has no diagnostics left for it.</summary>
    private static async Task<string> ApplyAsync(string source, string equivalenceKey, string routeParameter)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "TestApp",
            "TestApp",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: GeneratorHarness.ParseOptions,
            metadataReferences: GeneratorHarness.References));
        var document = workspace.AddDocument(project.Id, "Source0.cs", SourceText.From(SnapshotTests.Usings + source));

        var diagnostics = await GeneratorHarness.AnalyzeAsync((await document.Project.GetCompilationAsync())!);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "VLT0023" && d.GetMessage().Contains($"'{routeParameter}'", StringComparison.Ordinal));

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new RouteParameterNameCodeFixProvider().RegisterCodeFixesAsync(context);
        var chosen = Assert.Single(actions, a => a.EquivalenceKey == equivalenceKey);
        var operation = Assert.Single((await chosen.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
        var changed = operation.ChangedSolution.GetDocument(document.Id)!;

        var remaining = await GeneratorHarness.AnalyzeAsync((await changed.Project.GetCompilationAsync())!);
        Assert.DoesNotContain(remaining, d => d.GetMessage().Contains($"'{routeParameter}'", StringComparison.Ordinal));
        return (await changed.GetTextAsync()).ToString();
    }
}
