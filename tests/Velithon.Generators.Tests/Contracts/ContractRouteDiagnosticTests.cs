using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Velithon.Generators.Tests.Contracts;

/// <summary>The rules for contract routes and their <c>[OnMessage]</c> handlers: trigger and no-trigger cases.</summary>
public sealed class ContractRouteDiagnosticTests
{
    private const string Board = ContractDeclarationDiagnosticTests.Prelude + ContractSources.Messages + ContractSources.Socket;

    // A second contract, for the routes that mix two.
    private const string Chat = """
        [JsonDerivedType(typeof(Say), "say")]
        public abstract record ChatIn;
        public sealed record Say(string Text) : ChatIn;

        [JsonDerivedType(typeof(Said), "said")]
        public abstract record ChatOut;
        public sealed record Said(string Text) : ChatOut;

        [JsonSerializable(typeof(Say))]
        [JsonSerializable(typeof(Said))]
        public sealed class ChatJson() : JsonSerializerContext(null)
        {
            public static ChatJson Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        [WebSocketContract(typeof(ChatIn), typeof(ChatOut), typeof(ChatJson))]
        public sealed partial class ChatSocket;

        """;

    [Fact]
    public async Task MissingHandler_ReportsVLT0044WithWhatItsFixWrites()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + """
            [WebSocket("/board")]
            public sealed class {|VLT0044:BoardEndpoint|} : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;
            }

            public static class Board
            {
                [WebSocket("/board2")]
                public static Task {|VLT0044:Connect|}(BoardSocket socket) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public static ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;
            }
            """);
        Assert.Equal(
            [
                "The endpoint 'BoardEndpoint' has no [OnMessage] method for the inbound case 'GetBoard' (tag 'get-board') of 'BoardSocket', so clients could send it and nothing would handle it; add '[OnMessage] public ValueTask<BoardSnapshot> OnGetBoard(BoardSocket socket, GetBoard message)'",
                "The route 'Board.Connect' has no [OnMessage] method for the inbound case 'MoveCard' (tag 'move-card') of 'BoardSocket', so clients could send it and nothing would handle it; add '[OnMessage] public static ValueTask OnMoveCard(BoardSocket socket, MoveCard message)'",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));

        var getBoard = diagnostics[0].Properties;
        Assert.Equal(("BoardSocket", "GetBoard", "BoardSnapshot", "false", "OnGetBoard"),
            (getBoard["SocketType"], getBoard["CaseType"], getBoard["ReplyType"], getBoard["Static"], getBoard["MethodName"]));
        var moveCard = diagnostics[1].Properties;
        Assert.Equal(("MoveCard", null, "true", "OnMoveCard"), (moveCard["CaseType"], moveCard["ReplyType"], moveCard["Static"], moveCard["MethodName"]));
    }

    [Fact]
    public async Task MissingHandler_MethodNameAvoidsTakenNames()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + """
            public static class Board
            {
                [WebSocket("/board2")]
                public static Task {|VLT0044:Connect|}(BoardSocket socket) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public static ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;

                public static void OnMoveCard() { }
            }
            """);
        Assert.Equal("OnMoveCard2", Assert.Single(diagnostics).Properties["MethodName"]);
    }

    [Fact]
    public async Task TwoHandlersForOneCase_ReportsVLT0017()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + """
            public static class Board
            {
                [WebSocket("/board2")]
                public static Task Connect(BoardSocket socket) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public static ValueTask {|VLT0017:OnAddAgain|}(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public static ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public static ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;
            }
            """);
        Assert.Equal(
            "The message type 'add-card' is handled by both 'OnAdd' and 'OnAddAgain'; give each [OnMessage] method its own type",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HandlerTakingATypeOutsideTheInboundSet_ReportsVLT0045()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + """
            [WebSocket("/board")]
            public sealed class BoardEndpoint : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;

                [OnMessage]
                public ValueTask {|VLT0045:OnAdded|}(BoardSocket socket, CardAdded added) => default;

                [OnMessage]
                public ValueTask {|VLT0045:OnName|}(BoardSocket socket, NameReply name) => default;
            }
            """);
        Assert.Equal(
            [
                "The [OnMessage] method 'OnAdded' takes 'CardAdded', which is an outbound case (the server sends it), not an inbound one of 'BoardSocket', so no client message would reach it; take one of the inbound cases of 'BoardClientMessage', or add 'CardAdded' to it with [JsonDerivedType]",
                "The [OnMessage] method 'OnName' takes 'NameReply', which is not an inbound case of 'BoardSocket', so no client message would reach it; take one of the inbound cases of 'BoardClientMessage', or add 'NameReply' to it with [JsonDerivedType]",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task RequestHandlerWithTheWrongReplyType_ReportsVLT0046()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + """
            public static class Board
            {
                [WebSocket("/board2")]
                public static Task Connect(BoardSocket socket) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask<int> {|VLT0046:OnAdd|}(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public static Task OnMove(BoardSocket socket, MoveCard move) => Task.CompletedTask;

                [OnMessage]
                public static ValueTask<NameReply> {|VLT0046:OnGet|}(BoardSocket socket, GetBoard get) => default;
            }

            [WebSocket("/board")]
            public sealed class BoardEndpoint : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public ValueTask {|VLT0046:OnGet|}(BoardSocket socket, GetBoard get) => default;
            }
            """);
        Assert.Equal(
            [
                "The [OnMessage] method 'OnAdd' returns 'System.Threading.Tasks.ValueTask<int>', but 'AddCard' is not a request, so it has no reply to return; return ValueTask or Task, or make it a request by implementing IWebSocketRequest<TReply>",
                "The [OnMessage] method 'OnGet' returns 'System.Threading.Tasks.ValueTask<NameReply>', but 'GetBoard' is a request answered with 'BoardSnapshot', so the reply must be what it returns; return ValueTask<BoardSnapshot> or Task<BoardSnapshot>",
                "The [OnMessage] method 'OnGet' returns 'System.Threading.Tasks.ValueTask', but 'GetBoard' is a request answered with 'BoardSnapshot', so the reply must be what it returns; return ValueTask<BoardSnapshot> or Task<BoardSnapshot>",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task RoutesMixingContractsOrStyles_ReportVLT0047()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + Chat + """
            [WebSocket("/mixed")]
            public sealed class MixedEndpoint : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;

                [OnMessage]
                public ValueTask {|VLT0047:OnSay|}(ChatSocket socket, Say say) => default;

                [OnMessage("ping")]
                public ValueTask {|VLT0047:OnPing|}(WebSocket ws, Say say) => default;
            }

            [{|VLT0047:JsonMessages(typeof(ChatJson))|}]
            [WebSocket("/chat")]
            public sealed class ChatEndpoint : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask OnSay(ChatSocket socket, Say say) => default;
            }

            public static class Both
            {
                [WebSocket("/both")]
                public static Task {|VLT0047:Connect|}(BoardSocket board, ChatSocket chat) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            [
                "The route 'MixedEndpoint' has [OnMessage] methods taking the contract sockets 'BoardSocket' and 'ChatSocket' ('OnSay'); a route speaks one contract, so take 'BoardSocket' in every [OnMessage] method, or move the other contract's handlers to their own endpoint class",
                "The route 'MixedEndpoint' has contract [OnMessage] methods taking 'BoardSocket' and the [OnMessage] method 'OnPing', which does not; a route speaks one contract, so declare it '[OnMessage] public ValueTask OnPing(BoardSocket socket, TCase message)' with a case of the contract",
                "The route 'ChatEndpoint' has [JsonMessages] and contract [OnMessage] methods taking 'ChatSocket'; a route speaks one contract, so remove [JsonMessages]: the contract names its JSON context",
                "The route 'Both.Connect' takes the contract sockets 'BoardSocket' and 'ChatSocket'; a route speaks one contract, so take one of them",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ContractEndpointOverridingOnReceiveBytes_ReportsVLT0047()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + """
            [WebSocket("/board")]
            public sealed class {|VLT0047:BoardEndpoint|} : WebSocketEndpoint
            {
                public override ValueTask OnReceiveBytesAsync(WebSocket ws, ReadOnlyMemory<byte> data) => default;

                [OnMessage]
                public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;
            }
            """);
        Assert.Equal(
            "The route 'BoardEndpoint' overrides OnReceiveBytesAsync, which a contract route never calls: its dispatch rejects binary messages; a route speaks one contract, so remove the override, or take binary data in a route without a contract",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HandlerShapeProblems_ReportVLT0050()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + Chat + """
            [WebSocket("/board")]
            public sealed class BoardEndpoint : WebSocketEndpoint
            {
                [OnMessage("add")]
                public ValueTask {|VLT0050:OnAdd|}(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public static ValueTask {|VLT0050:OnMove|}(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public ValueTask<BoardSnapshot> {|VLT0050:OnGet|}(BoardSocket socket, GetBoard get, CancellationToken aborted) => default;
            }

            public static class Board
            {
                [WebSocket("/board2")]
                public static Task Connect(BoardSocket socket) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                private static ValueTask {|VLT0050:OnMove|}(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public static ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;

                [OnMessage]
                public static ValueTask {|VLT0050:OnSay|}(ChatSocket socket, Say say) => default;
            }
            """);
        Assert.Equal(
            [
                "The [OnMessage] method 'OnAdd' names the tag 'add', but a contract handler takes its tag from the contract's [JsonDerivedType]; write [OnMessage] without an argument",
                "The [OnMessage] method 'OnMove' must not be static: each connection has its own endpoint instance; declare it '[OnMessage] public ValueTask OnMove(BoardSocket socket, MoveCard message)'",
                "The [OnMessage] method 'OnGet' must take exactly (BoardSocket socket, TCase message); declare it '[OnMessage] public ValueTask OnGet(BoardSocket socket, GetBoard message)'",
                "The [OnMessage] method 'OnMove' must be public or internal, so the generated dispatch can call it; declare it '[OnMessage] public static ValueTask OnMove(BoardSocket socket, MoveCard message)'",
                "The [OnMessage] method 'OnSay' takes 'ChatSocket', but no [WebSocket] method of 'Board' takes that socket, so it is never called; handle the cases of 'BoardSocket', or add the route that speaks 'ChatSocket'",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task EndpointInheritingItsHandlers_ReportsVLT0050AtThem()
    {
        // Handlers in a base class are not the route's: without this, the route took no contract, mapped as a plain
        // endpoint, and no message ever reached them. A static handler in a class with no route is never called either.
        var diagnostics = await DiagnosticMarkup.VerifyAsync(Board + """
            public abstract class BoardBase : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask {|VLT0050:OnAdd|}(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public ValueTask {|VLT0050:OnMove|}(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public ValueTask<BoardSnapshot> {|VLT0050:OnGet|}(BoardSocket socket, GetBoard get) => default;
            }

            [WebSocket("/board")]
            public sealed class Board : BoardBase;

            public static class NoRoutes
            {
                [OnMessage]
                public static ValueTask {|VLT0050:OnAdd|}(BoardSocket socket, AddCard add) => default;
            }
            """);
        Assert.Equal(
            [
                "The [OnMessage] method 'OnAdd' is declared in 'BoardBase', which has no [WebSocket], and a route dispatches only to the [OnMessage] methods its own [WebSocket] class declares, so it is never called; declare it in the [WebSocket] class (it may call this one)",
                "The [OnMessage] method 'OnAdd' is declared in 'NoRoutes', which has no [WebSocket], and a route dispatches only to the [OnMessage] methods its own [WebSocket] class declares, so it is never called; declare it in the [WebSocket] class (it may call this one)",
                "The [OnMessage] method 'OnGet' is declared in 'BoardBase', which has no [WebSocket], and a route dispatches only to the [OnMessage] methods its own [WebSocket] class declares, so it is never called; declare it in the [WebSocket] class (it may call this one)",
                "The [OnMessage] method 'OnMove' is declared in 'BoardBase', which has no [WebSocket], and a route dispatches only to the [OnMessage] methods its own [WebSocket] class declares, so it is never called; declare it in the [WebSocket] class (it may call this one)",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TypedSocketInAnEndpointConstructor_ReportsVLT0012()
    {
        await DiagnosticMarkup.VerifyAsync(Board + """
            [WebSocket("/board")]
            public sealed class BoardEndpoint(BoardSocket {|VLT0012:board|}) : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;

                [OnMessage]
                public ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => default;
            }
            """);
    }

    [Fact]
    public async Task StaticRouteWithTypedSocketAndWebSocket_ReportsNothing()
    {
        await DiagnosticMarkup.VerifyAsync(Board + """
            public static class Board
            {
                [WebSocket("/board2/<boardId>")]
                public static Task Connect(WebSocket ws, BoardSocket socket, string boardId, CancellationToken aborted) => socket.DispatchMessagesAsync();

                [OnMessage]
                public static ValueTask OnAdd(BoardSocket socket, AddCard add) => default;

                [OnMessage]
                internal static Task OnMove(BoardSocket socket, MoveCard? move) => Task.CompletedTask;

                [OnMessage]
                public static Task<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => Task.FromResult(new BoardSnapshot([]));
            }
            """);
    }

    [Fact]
    public async Task RouteOfAContractWithErrors_IsLeftOutWithTheContractsErrorAlone()
    {
        var source = SnapshotTests.Usings + ContractDeclarationDiagnosticTests.Prelude + ContractSources.Messages + """
            [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
            public sealed class BoardSocket;

            public static class Board
            {
                [WebSocket("/board2")]
                public static Task Connect(BoardSocket socket) => Task.CompletedTask;
            }
            """;
        var (diagnostics, output, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(source));
        Assert.Equal(["VLT0039"], diagnostics.Select(d => d.Id));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains("Board", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task RoutesTakingASocketFromAReferencedAssembly_ReportVLT0039AtTheRoute()
    {
        // The typed socket and its contract compiled into a library: the generator writes a route's dispatch in the
        // route's project from the contract's declaration, which it cannot see there. Left out, the routes failed
        // no build and were simply not mapped.
        var library = CSharpCompilation.Create(
            "BoardContracts",
            [CSharpSyntaxTree.ParseText(SnapshotTests.Usings + ContractDeclarationDiagnosticTests.Prelude + "namespace Demo;\n\n" + ContractSources.Messages + ContractSources.Socket, GeneratorHarness.ParseOptions)],
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var (_, compiledLibrary, _) = GeneratorHarness.Run(library);
        GeneratorHarness.AssertClean(compiledLibrary);
        var application = CSharpCompilation.Create(
            "TestApp",
            [CSharpSyntaxTree.ParseText(SnapshotTests.Usings + """
                using Demo;

                namespace App;

                public static class Board
                {
                    [WebSocket("/board2")]
                    public static Task Connect(BoardSocket socket) => socket.DispatchMessagesAsync();

                    [OnMessage] public static ValueTask OnAdd(BoardSocket socket, AddCard add) => default;
                    [OnMessage] public static ValueTask OnMove(BoardSocket socket, MoveCard move) => default;
                    [OnMessage] public static ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => new(new BoardSnapshot([]));
                }

                [WebSocket("/board")]
                public sealed class BoardEndpoint : WebSocketEndpoint
                {
                    [OnMessage] public ValueTask OnAdd(BoardSocket socket, AddCard add) => default;
                    [OnMessage] public ValueTask OnMove(BoardSocket socket, MoveCard move) => default;
                    [OnMessage] public ValueTask<BoardSnapshot> OnGet(BoardSocket socket, GetBoard get) => new(new BoardSnapshot([]));
                }
                """, GeneratorHarness.ParseOptions, path: "Source0.cs")],
            GeneratorHarness.References.Add(MetadataReference.CreateFromImage(CompiledAssemblies.Emit(compiledLibrary))),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var (generated, output, result) = GeneratorHarness.RunWithDiagnostics(application);
        var analyzed = await GeneratorHarness.AnalyzeAsync(application);

        const string Problem = "is declared in the referenced assembly 'BoardContracts', and a route's dispatch is generated from its contract's declaration, in the project that declares it: declare the [WebSocketContract] class in this project (the messages and the JSON context may stay in 'BoardContracts' when they are public), or serve the routes from 'BoardContracts'";
        foreach (var diagnostics in new[] { generated, analyzed })
        {
            Assert.Equal(
                [
                    ("VLT0039", "Connect", "The contract socket 'Demo.BoardSocket' " + Problem),
                    ("VLT0039", "BoardEndpoint", "The contract socket 'Demo.BoardSocket' " + Problem),
                ],
                diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => (d.Id, d.Location.SourceTree!.ToString().Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length), d.GetMessage(CultureInfo.InvariantCulture))));
        }

        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.StartsWith("Velithon.Handlers.", StringComparison.Ordinal));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
