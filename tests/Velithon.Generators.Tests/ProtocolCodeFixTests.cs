using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Velithon.CodeFixes;
using Velithon.Generators.Analyzers;

namespace Velithon.Generators.Tests;

/// <summary>The code fixes of the protocol analyzers, applied in a workspace as an editor applies them; the fixed text compiles and is clean.</summary>
public sealed class ProtocolCodeFixTests
{
    [Theory]
    [InlineData("1005", "WebSocketCloseCode.NormalClosure")]
    [InlineData("WebSocketCloseCode.AbnormalClosure", "WebSocketCloseCode.InternalError")]
    [InlineData("1015", "WebSocketCloseCode.InternalError")]
    [InlineData("1004", "WebSocketCloseCode.PolicyViolation")]
    [InlineData("5000", "WebSocketCloseCode.PolicyViolation")]
    public async Task ReplaceCloseCode_WritesTheChosenConstant(string code, string replacement)
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.CloseAsync(CODE, "bye");
                }
            }
            """;
        string fixedSource = await ApplyAsync(Source.Replace("CODE", code, StringComparison.Ordinal), new CloseArgumentsAnalyzer(), new CloseCodeCodeFixProvider(), "VLT0032");
        Assert.Equal(SnapshotTests.Usings + Source.Replace("CODE", replacement, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task ReplaceCloseCode_InAnExceptionsNamedArgument()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws) => throw new WebSocketCloseException(code: 999);
            }
            """;
        string fixedSource = await ApplyAsync(Source, new CloseArgumentsAnalyzer(), new CloseCodeCodeFixProvider(), "VLT0032");
        Assert.Equal(SnapshotTests.Usings + Source.Replace("999", "WebSocketCloseCode.PolicyViolation", StringComparison.Ordinal), fixedSource);
    }

    [Theory]
    [InlineData("var text = Load().Result;", "var text = await Load();")]
    [InlineData("int length = Load().Result.Length;", "int length = (await Load()).Length;")]
    [InlineData("Load().Wait();", "await Load();")]
    [InlineData("var text = Load().GetAwaiter().GetResult();", "var text = await Load();")]
    [InlineData("var text = Load().ConfigureAwait(false).GetAwaiter().GetResult();", "var text = await Load().ConfigureAwait(false);")]
    [InlineData("Func<Task> later = async () => Console.WriteLine(Load().Result);", "Func<Task> later = async () => Console.WriteLine(await Load());")]
    public async Task AwaitTask_ReplacesTheBlockingWait(string blocking, string awaiting)
    {
        const string Source = """
            public static class Handlers
            {
                private static Task<string> Load() => Task.FromResult("x");

                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    STATEMENT
                }
            }
            """;
        string fixedSource = await ApplyAsync(Source.Replace("STATEMENT", blocking, StringComparison.Ordinal), new BlockingWaitAnalyzer(), new AwaitInsteadOfBlockingCodeFixProvider(), "VLT0036");
        Assert.Equal(SnapshotTests.Usings + Source.Replace("STATEMENT", awaiting, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task AwaitTask_FixAll_AwaitsEveryWait()
    {
        const string Source = """
            public static class Handlers
            {
                private static Task<string> Load() => Task.FromResult("x");

                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    await ws.SendTextAsync(Load().Result + Load().GetAwaiter().GetResult());
                    Load().Wait();
                }
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(
            new BlockingWaitAnalyzer(), new AwaitInsteadOfBlockingCodeFixProvider(), "VLT0036", "AwaitTask", FixAllScope.Document, [SnapshotTests.Usings + Source]);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("Load().Result + Load().GetAwaiter().GetResult()", "await Load() + await Load()", StringComparison.Ordinal)
                .Replace("Load().Wait();", "await Load();", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Theory]
    [InlineData("public static Task Handle(WebSocket ws) => ws.SendTextAsync(Load().Result).AsTask();")]
    [InlineData("public static async Task Handle(WebSocket ws) { await ws.AcceptAsync(); lock (Gate) { Console.WriteLine(Load().Result); } }")]
    [InlineData("public static async Task Handle(WebSocket ws) { await ws.AcceptAsync(); Load().Wait(100); }")]
    [InlineData("public static async Task Handle(WebSocket ws) { await ws.AcceptAsync(); Task.WaitAll(Load()); }")]
    [InlineData("public static async Task Handle(WebSocket ws) { await ws.AcceptAsync(); Func<string> now = () => Load().Result; Console.WriteLine(now()); }")]
    public async Task AwaitTask_NotOfferedWhereAwaitCannotGo(string handler)
    {
        string source = $$"""
            public static class Handlers
            {
                private static readonly object Gate = new();

                private static Task<string> Load() => Task.FromResult("x");

                [WebSocket("/a")]
                {{handler}}
            }
            """;
        Assert.Empty(await OffersAsync(source, new BlockingWaitAnalyzer(), new AwaitInsteadOfBlockingCodeFixProvider(), "VLT0036"));
    }

    private static readonly Dictionary<string, string> PublishAot = new() { ["PublishAot"] = "true" };

    private const string JsonContexts = """
        public sealed record ChatMessage(string Text);

        public sealed partial class AppJsonContext() : System.Text.Json.Serialization.JsonSerializerContext(null)
        {
            public static AppJsonContext Default { get; } = new();
            public System.Text.Json.Serialization.Metadata.JsonTypeInfo<ChatMessage> ChatMessage => (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ChatMessage>)GetTypeInfo(typeof(ChatMessage))!;
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        public static class Other
        {
            public sealed partial class LogJsonContext() : System.Text.Json.Serialization.JsonSerializerContext(null)
            {
                public static LogJsonContext Default { get; } = new();
                public System.Text.Json.Serialization.Metadata.JsonTypeInfo<ChatMessage> Chat => (System.Text.Json.Serialization.Metadata.JsonTypeInfo<ChatMessage>)GetTypeInfo(typeof(ChatMessage))!;
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }
        }

        """;

    [Theory]
    [InlineData("await ws.SendJsonAsync(new ChatMessage(\"hi\"));", "PassJsonTypeInfo.AppJsonContext", "await ws.SendJsonAsync(new ChatMessage(\"hi\"), AppJsonContext.Default.ChatMessage);")]
    [InlineData("await ws.SendJsonAsync<ChatMessage>(new(\"hi\"), ws.Aborted);", "PassJsonTypeInfo.AppJsonContext", "await ws.SendJsonAsync<ChatMessage>(new(\"hi\"), AppJsonContext.Default.ChatMessage, ws.Aborted);")]
    [InlineData("var m = await ws.ReceiveJsonAsync<ChatMessage>();", "PassJsonTypeInfo.Other.LogJsonContext", "var m = await ws.ReceiveJsonAsync<ChatMessage>(Other.LogJsonContext.Default.Chat);")]
    [InlineData("var m = await ws.ReceiveJsonAsync<ChatMessage>(cancellationToken: ws.Aborted);", "PassJsonTypeInfo.AppJsonContext", "var m = await ws.ReceiveJsonAsync<ChatMessage>(typeInfo: AppJsonContext.Default.ChatMessage, cancellationToken: ws.Aborted);")]
    public async Task PassJsonTypeInfo_PassesTheContextsMetadata(string call, string equivalenceKey, string fixedCall)
    {
        const string Source = JsonContexts + """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    CALL
                }
            }
            """;
        Assert.Equal(
            ["PassJsonTypeInfo.AppJsonContext", "PassJsonTypeInfo.Other.LogJsonContext"],
            (await OffersAsync(Source.Replace("CALL", call, StringComparison.Ordinal), new JsonWithoutTypeInfoAnalyzer(), new PassJsonTypeInfoCodeFixProvider(), "VLT0037", PublishAot))
                .Select(a => a.EquivalenceKey));
        string fixedSource = await ApplyAsync(
            Source.Replace("CALL", call, StringComparison.Ordinal), new JsonWithoutTypeInfoAnalyzer(), new PassJsonTypeInfoCodeFixProvider(), "VLT0037", PublishAot, equivalenceKey);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("CALL", fixedCall, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task PassJsonTypeInfo_FixAll_PassesOneContextEverywhere()
    {
        const string Source = JsonContexts + """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    var m = await ws.ReceiveJsonAsync<ChatMessage>();
                    await ws.SendJsonAsync(m!);
                }
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(
            new JsonWithoutTypeInfoAnalyzer(), new PassJsonTypeInfoCodeFixProvider(), "VLT0037", "PassJsonTypeInfo.AppJsonContext", FixAllScope.Document, [SnapshotTests.Usings + Source], PublishAot);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("ReceiveJsonAsync<ChatMessage>()", "ReceiveJsonAsync<ChatMessage>(AppJsonContext.Default.ChatMessage)", StringComparison.Ordinal)
                .Replace("SendJsonAsync(m!)", "SendJsonAsync(m!, AppJsonContext.Default.ChatMessage)", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Fact]
    public async Task PassJsonTypeInfo_NotOfferedWhenNoContextKnowsTheType()
    {
        const string Source = JsonContexts + """
            public sealed record Unknown(int Value);

            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    await ws.SendJsonAsync(new Unknown(1));
                }
            }
            """;
        Assert.Empty(await OffersAsync(Source, new JsonWithoutTypeInfoAnalyzer(), new PassJsonTypeInfoCodeFixProvider(), "VLT0037", PublishAot));
    }

    /// <summary>
    /// Applies the one fix offered (or the one of <paramref name="equivalenceKey"/>) for the one <paramref name="id"/> that
    /// <paramref name="analyzer"/> reports with the project's MSBuild <paramref name="buildProperties"/>; checks that the fixed
    /// document compiles and that the analyzer no longer reports <paramref name="id"/>.
    /// </summary>
    internal static async Task<string> ApplyAsync(
        string source,
        DiagnosticAnalyzer analyzer,
        CodeFixProvider provider,
        string id,
        IReadOnlyDictionary<string, string>? buildProperties = null,
        string? equivalenceKey = null)
    {
        var (workspace, document, actions) = await FixesAsync(source, analyzer, provider, id, buildProperties);
        using var owned = workspace;
        var chosen = equivalenceKey is null ? Assert.Single(actions) : Assert.Single(actions, a => a.EquivalenceKey == equivalenceKey);
        var operation = Assert.Single((await chosen.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
        var changed = operation.ChangedSolution.GetDocument(document.Id)!;

        var compilation = (await changed.Project.GetCompilationAsync())!;
        var (_, output, _) = GeneratorHarness.RunWithDiagnostics(compilation);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.DoesNotContain(await ProtocolMarkup.AnalyzeAsync(output, analyzer, buildProperties), d => d.Id == id);
        return (await changed.GetTextAsync()).ToString();
    }

    /// <summary>The fixes offered for the one <paramref name="id"/> that <paramref name="analyzer"/> reports.</summary>
    internal static async Task<IReadOnlyList<CodeAction>> OffersAsync(
        string source,
        DiagnosticAnalyzer analyzer,
        CodeFixProvider provider,
        string id,
        IReadOnlyDictionary<string, string>? buildProperties = null)
    {
        var (workspace, _, actions) = await FixesAsync(source, analyzer, provider, id, buildProperties);
        workspace.Dispose();
        return actions;
    }

    private static async Task<(AdhocWorkspace Workspace, Document Document, List<CodeAction> Actions)> FixesAsync(
        string source,
        DiagnosticAnalyzer analyzer,
        CodeFixProvider provider,
        string id,
        IReadOnlyDictionary<string, string>? buildProperties)
    {
        var workspace = new AdhocWorkspace();
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

        var diagnostics = await ProtocolMarkup.AnalyzeAsync((await document.Project.GetCompilationAsync())!, analyzer, buildProperties);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);

        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return (workspace, document, actions);
    }
}
