using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Velithon.Generators.Tests.Contracts;

/// <summary>What the typed socket lets through the C# compiler, and what it does not.</summary>
public sealed class ContractCompileTests
{
    private const string Contract = ContractSources.Usings + "namespace Demo;\n\n" + ContractSources.Messages + ContractSources.Socket;

    [Fact]
    public void SendingACaseOfTheOutboundSet_Compiles()
    {
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Contract + """
            public static class Use
            {
                public static async Task Run(BoardSocket socket, BroadcastTarget everyone)
                {
                    await socket.SendAsync(new CardAdded(1, "a"));
                    NameReply reply = await socket.RequestAsync(new AskName("who?"), TimeSpan.FromSeconds(5));
                    int sent = await BoardSocket.BroadcastAsync(everyone, new CardAdded(2, reply.Name));
                }
            }
            """));
        GeneratorHarness.AssertClean(output);
    }

    [Fact]
    public void PublicSocketWithInternalCases_GetsInternalMembersForThem()
    {
        var (_, output, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(ContractSources.Usings + """
            namespace Demo;

            [JsonDerivedType(typeof(Hello), "hello")]
            public abstract record Inbound;
            public sealed record Hello : Inbound;

            [JsonDerivedType(typeof(Welcome), "welcome")]
            [JsonDerivedType(typeof(Secret), "secret")]
            [JsonDerivedType(typeof(Ask), "ask")]
            public abstract record Outbound;
            public sealed record Welcome : Outbound;
            internal sealed record Secret : Outbound;
            public sealed record Ask : Outbound, IWebSocketRequest<Answer>;
            internal sealed record Answer(string Text);

            [JsonSerializable(typeof(Hello))]
            [JsonSerializable(typeof(Welcome))]
            [JsonSerializable(typeof(Secret))]
            [JsonSerializable(typeof(Ask))]
            [JsonSerializable(typeof(Answer))]
            internal sealed class MixedJson() : JsonSerializerContext(null)
            {
                public static MixedJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(MixedJson))]
            public sealed partial class MixedSocket;
            """));
        GeneratorHarness.AssertClean(output);
        string socket = result.GeneratedSources.Single(s => s.HintName == "Velithon.Contracts.Demo.MixedSocket.g.cs").SourceText.ToString();
        Assert.Contains("public global::System.Threading.Tasks.ValueTask SendAsync(global::Demo.Welcome message", socket, StringComparison.Ordinal);
        Assert.Contains("internal global::System.Threading.Tasks.ValueTask SendAsync(global::Demo.Secret message", socket, StringComparison.Ordinal);
        Assert.Contains("internal global::System.Threading.Tasks.Task<global::Demo.Answer> RequestAsync(global::Demo.Ask request", socket, StringComparison.Ordinal);
    }

    [Fact]
    public void SendingATypeOutsideTheOutboundSet_DoesNotCompile()
    {
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Contract + """
            public static class Use
            {
                public static async Task Run(BoardSocket socket)
                {
                    await socket.SendAsync(new AddCard("an inbound case"));
                    await socket.SendAsync(new AskName("a request, which has RequestAsync alone"));
                    await socket.RequestAsync(new CardAdded(1, "not a request"));
                }
            }
            """));
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Equal(["CS1503", "CS1503", "CS1503"], errors.Select(e => e.Id));
        Assert.All(errors, e => Assert.Equal("Source0.cs", e.Location.SourceTree?.FilePath));
    }

    [Fact]
    public void RequestHandlerWithTheWrongReplyType_FailsTheBuildWithoutAnalyzers()
    {
        var (diagnostics, output, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(Contract + """
            public static class Board
            {
                [WebSocket("/board2")]
                public static Task Connect(BoardSocket socket) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public static ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public static ValueTask<NameReply> OnGet(BoardSocket socket, GetBoard get) => default;
            }
            """));
        var error = Assert.Single(diagnostics);
        Assert.Equal(("VLT0046", DiagnosticSeverity.Error), (error.Id, error.Severity));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.StartsWith("Velithon.Handlers.", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void OutboundTagsWithLineBreaksAndMarkup_KeepTheDocCommentsWellFormed()
    {
        // A tag is any string: in the doc comments it is shown as the JSON the client receives, so a line break
        // (U+000A, U+2028) cannot end the comment line, and markup is escaped.
        var parse = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var compilation = CSharpCompilation.Create(
            "TestApp",
            [CSharpSyntaxTree.ParseText(ContractSources.Usings + """
                namespace Demo;

                /// <summary>In.</summary>
                [JsonDerivedType(typeof(Hello), "hello")]
                public abstract record Inbound;

                /// <summary>Hello.</summary>
                public sealed record Hello : Inbound;

                /// <summary>Out.</summary>
                [JsonDerivedType(typeof(Note), "a \"note\"\n</c> & more")]
                [JsonDerivedType(typeof(Ask), "ask\r\n\u2028\u0085now")]
                public abstract record Outbound;

                /// <summary>Note.</summary>
                public sealed record Note : Outbound;

                /// <summary>Ask.</summary>
                public sealed record Ask : Outbound, IWebSocketRequest<Note>;

                /// <summary>JSON.</summary>
                [JsonSerializable(typeof(Hello))]
                [JsonSerializable(typeof(Note))]
                [JsonSerializable(typeof(Ask))]
                public sealed class OddJson() : JsonSerializerContext(null)
                {
                    /// <summary>The context.</summary>
                    public static OddJson Default { get; } = new();

                    /// <inheritdoc/>
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;

                    /// <inheritdoc/>
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
                }

                /// <summary>The socket.</summary>
                [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(OddJson))]
                public sealed partial class OddSocket;
                """, parse, path: "Source0.cs")],
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new VelithonGenerator().AsSourceGenerator()], parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);

        Assert.Empty(diagnostics);
        GeneratorHarness.AssertClean(output);
        string socket = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Velithon.Contracts.Demo.OddSocket.g.cs", StringComparison.Ordinal)).ToString();
        // One JSON string writer for every generated text, which also escapes '/' after '<' (so a tag cannot close a
        // script element around the TypeScript client).
        Assert.Contains("""as <c>{"type":"a \"note\"\n&lt;\/c&gt; &amp; more","payload":...}</c>""", socket, StringComparison.Ordinal);
        Assert.Contains("""as <c>{"type":"ask\r\n\u2028\u0085now","id":n,"payload":...}</c>""", socket, StringComparison.Ordinal);

        // The typed C# client's docs show the tags the same way, and the TypeScript client's constants, which a raw
        // string literal cannot hold once a tag has a line break C# ends a line at, still compile (AssertClean above).
        string client = output.SyntaxTrees.Single(t => t.FilePath.EndsWith("Velithon.Clients.Demo_OddSocket.g.cs", StringComparison.Ordinal)).ToString();
        Assert.Contains("""Called with each <c>"a \"note\"\n&lt;\/c&gt; &amp; more"</c> message""", client, StringComparison.Ordinal);
        Assert.Contains("""Answers the server's <c>"ask\r\n\u2028\u0085now"</c> requests""", client, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestHandlersReturningANullableReply_CompileWithoutWarnings()
    {
        var (_, output, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(ContractSources.Usings + """
            namespace Demo;

            [JsonDerivedType(typeof(Find), "find")]
            [JsonDerivedType(typeof(Get), "get")]
            public abstract record Inbound;
            public sealed record Find(string Name) : Inbound, IWebSocketRequest<Item?>;
            public sealed record Get(int Id) : Inbound, IWebSocketRequest<Item>;
            public sealed record Item(string Name);

            [JsonDerivedType(typeof(Found), "found")]
            public abstract record Outbound;
            public sealed record Found : Outbound;

            [JsonSerializable(typeof(Find))]
            [JsonSerializable(typeof(Get))]
            [JsonSerializable(typeof(Item))]
            [JsonSerializable(typeof(Found))]
            public sealed class ItemJson() : JsonSerializerContext(null)
            {
                public static ItemJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            [WebSocketContract(typeof(Inbound), typeof(Outbound), typeof(ItemJson))]
            public sealed partial class ItemSocket;

            public static class Items
            {
                [WebSocket("/items")]
                public static Task Connect(ItemSocket socket) => socket.DispatchMessagesAsync();

                // Nothing found: the reply is null, sent as "payload":null.
                [OnMessage]
                public static ValueTask<Item?> OnFind(ItemSocket socket, Find find) => new((Item?)null);

                [OnMessage]
                public static Task<Item?> OnGet(ItemSocket socket, Get get) => Task.FromResult<Item?>(null);
            }
            """));

        GeneratorHarness.AssertClean(output);
    }
}
