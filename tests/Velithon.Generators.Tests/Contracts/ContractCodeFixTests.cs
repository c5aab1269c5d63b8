using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Velithon.CodeFixes;

namespace Velithon.Generators.Tests.Contracts;

/// <summary>The code fix of VLT0044, applied in a workspace as an editor applies it; the result builds clean.</summary>
public sealed class ContractCodeFixTests
{
    private const string Contract = ContractDeclarationDiagnosticTests.Prelude + ContractSources.Messages + ContractSources.Socket;

    private const string Endpoint = """
        [WebSocket("/board")]
        public sealed class BoardEndpoint : WebSocketEndpoint
        {
            [OnMessage]
            public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

            [OnMessage]
            public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;
        }
        """;

    private const string StaticRoute = """
        public static class Board
        {
            [WebSocket("/board2")]
            public static Task Connect(BoardSocket socket) => socket.DispatchMessagesAsync();

            [OnMessage]
            public static ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;
        }
        """;

    [Fact]
    public async Task AddsTheRequestHandlerToTheEndpoint()
    {
        string fixedSource = await ApplyAsync(Contract + Endpoint, fixAll: false);
        Assert.Equal(SnapshotTests.Usings + Contract + """
            [WebSocket("/board")]
            public sealed class BoardEndpoint : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public ValueTask<BoardSnapshot> OnGetBoard(BoardSocket socket, GetBoard message) => throw new NotImplementedException();
            }
            """, fixedSource);
    }

    [Fact]
    public async Task FixAll_AddsEveryMissingStaticHandler()
    {
        string fixedSource = await ApplyAsync(Contract + StaticRoute, fixAll: true);
        Assert.Equal(SnapshotTests.Usings + Contract + """
            public static class Board
            {
                [WebSocket("/board2")]
                public static Task Connect(BoardSocket socket) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;

                [OnMessage]
                public static ValueTask OnAddCard(BoardSocket socket, AddCard message) => throw new NotImplementedException();

                [OnMessage]
                public static ValueTask OnMoveCard(BoardSocket socket, MoveCard message) => throw new NotImplementedException();
            }
            """, fixedSource);
    }

    /// <summary>
    /// Applies the fix to the first VLT0044 (or, with <paramref name="fixAll"/>, to all of them at once); checks that the
    /// fixed document builds without errors and that no VLT0044 is left.
    /// </summary>
    private static async Task<string> ApplyAsync(string source, bool fixAll)
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

        var diagnostics = await MissingHandlersAsync(document.Project);
        Assert.NotEmpty(diagnostics);
        var provider = new MissingContractHandlerCodeFixProvider();
        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (action, _) => actions.Add(action), CancellationToken.None));
        var action = Assert.Single(actions);
        if (fixAll)
        {
            var context = new FixAllContext(
                document,
                provider,
                FixAllScope.Document,
                action.EquivalenceKey,
                ["VLT0044"],
                new FixedDiagnostics(diagnostics),
                CancellationToken.None);
            action = (await provider.GetFixAllProvider().GetFixAsync(context))!;
        }

        var operation = Assert.Single((await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
        var changed = operation.ChangedSolution.GetDocument(document.Id)!;
        var (_, output, _) = GeneratorHarness.RunWithDiagnostics((await changed.Project.GetCompilationAsync())!);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(await MissingHandlersAsync(changed.Project));
        return (await changed.GetTextAsync()).ToString();
    }

    /// <summary>The analyzer's VLT0044s, after the generator ran as in a build (the typed socket's members exist).</summary>
    private static async Task<ImmutableArray<Diagnostic>> MissingHandlersAsync(Project project)
    {
        var (_, output, _) = GeneratorHarness.RunWithDiagnostics((await project.GetCompilationAsync())!);
        return [.. (await GeneratorHarness.AnalyzeAsync(output)).Where(d => d.Id == "VLT0044").OrderBy(d => d.Location.SourceSpan.Start)];
    }

    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>([]);
    }
}
