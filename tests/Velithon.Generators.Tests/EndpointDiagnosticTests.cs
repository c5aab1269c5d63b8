using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Tests;

/// <summary>The rules for endpoint classes: trigger and no-trigger cases, with locations and messages.</summary>
public sealed class EndpointDiagnosticTests
{
    // The System.Text.Json generator does not run in these test compilations, so contexts are written by hand.
    private const string GameContext = """
        public sealed record Move(int X, int Y);
        public sealed record Say(string Text);
        public sealed record Unlisted(int Value);

        [System.Text.Json.Serialization.JsonSerializable(typeof(Move))]
        [System.Text.Json.Serialization.JsonSerializable(typeof(Say))]
        public sealed class GameJsonContext() : System.Text.Json.Serialization.JsonSerializerContext(null)
        {
            public static GameJsonContext Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }

        """;

    [Fact]
    public async Task ValidEndpoints_ReportNothing()
    {
        await DiagnosticMarkup.VerifyAsync(GameContext + """
            public interface IRooms { }

            [WebSocket("/chat/<room>")]
            public sealed class ChatEndpoint(string room, [FromQuery] int? page, IRooms rooms, CancellationToken aborted) : WebSocketEndpoint
            {
                public override ValueTask OnConnectAsync(WebSocket ws) => default;
                public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync(room + page + rooms + aborted.CanBeCanceled + data);
                public override ValueTask OnReceiveBytesAsync(WebSocket ws, ReadOnlyMemory<byte> data) => default;
                public override ValueTask OnDisconnectAsync(WebSocket ws) => default;
                public override ValueTask OnErrorAsync(WebSocket ws, Exception exception) => default;
            }

            [WebSocket("/game")]
            [JsonMessages(typeof(GameJsonContext))]
            internal sealed class GameEndpoint : WebSocketEndpoint
            {
                public GameEndpoint() { }

                [ActivatorUtilitiesConstructor]
                public GameEndpoint(IRooms rooms) { }

                [OnMessage("move")]
                public ValueTask OnMove(WebSocket ws, Move move) => default;

                [OnMessage("say")]
                internal Task OnSay(WebSocket ws, Say say) => Task.CompletedTask;
            }
            """);
    }

    [Fact]
    public async Task ClassNotDerivingFromWebSocketEndpoint_ReportsVLT0013()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            [WebSocket("/a")]
            public sealed class {|VLT0013:NotAnEndpoint|}
            {
            }
            """);
        Assert.Equal(
            "The class 'NotAnEndpoint' has [WebSocket] but does not derive from Velithon.WebSocketEndpoint; derive from it, or put [WebSocket] on a static method instead",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AbstractOrStaticClass_ReportsVLT0014()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            [WebSocket("/a")]
            public abstract class {|VLT0014:BaseEndpoint|} : WebSocketEndpoint
            {
            }
            """);
        Assert.Equal(
            "The endpoint class 'BaseEndpoint' is abstract; the route table creates one instance per connection, so make it a concrete, non-static class",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task GenericOrHiddenClass_ReportsVLT0009AndVLT0008()
    {
        await DiagnosticMarkup.VerifyAsync("""
            [WebSocket("/a")]
            public sealed class {|VLT0009:GenericEndpoint|}<T> : WebSocketEndpoint
            {
            }

            public static class Outer
            {
                [WebSocket("/b")]
                private sealed class {|VLT0008:HiddenEndpoint|} : WebSocketEndpoint
                {
                }
            }
            """);
    }

    [Fact]
    public async Task ConstructorProblems_ReportVLT0015()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            [WebSocket("/a")]
            public sealed class {|VLT0015:NoConstructor|} : WebSocketEndpoint
            {
                private NoConstructor() { }
            }

            [WebSocket("/b")]
            public sealed class {|VLT0015:TwoConstructors|} : WebSocketEndpoint
            {
                public TwoConstructors() { }
                public TwoConstructors(HttpContext context) { }
            }
            """);
        Assert.Equal(
            "The endpoint class 'NoConstructor' has no public or internal constructor; add one so the route table can create an instance per connection",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(
            "The endpoint class 'TwoConstructors' has 2 constructors; mark exactly one [ActivatorUtilitiesConstructor] to choose the one the route table calls",
            diagnostics[1].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ConstructorParameters_BindLikeHandlerParameters()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            [WebSocket("/a/{|VLT0003:<room>|}/<int:id>")]
            public sealed class Endpoint(WebSocket {|VLT0012:ws|}, string {|VLT0004:roomName|}, string {|VLT0006:id|}) : WebSocketEndpoint
            {
            }
            """);
        Assert.Equal(
            "The parameter 'ws' is not supported: an endpoint gets its connection as the first argument of each lifecycle method; remove it from the constructor",
            diagnostics[1].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task LifecycleLookalike_ReportsVLT0016Warning_AndTheEndpointIsStillServed()
    {
        const string source = """
            [WebSocket("/a")]
            public sealed class Endpoint : WebSocketEndpoint
            {
                public ValueTask {|VLT0016:OnReceiveAsync|}(WebSocket ws, int data) => default;
                public Task {|VLT0016:OnConnect|}(WebSocket ws) => Task.CompletedTask;
                public ValueTask {|VLT0016:OnReceiveAsync|}(WebSocket ws, ReadOnlyMemory<char> data, int extra) => default;
            }
            """;
        var diagnostics = await DiagnosticMarkup.VerifyAsync(source, OutputKind.DynamicallyLinkedLibrary, DiagnosticSeverity.Warning);
        Assert.Equal(
            "The method 'OnConnect' is named like a lifecycle method but does not override one, so it is never called; declare it 'public override ValueTask OnConnectAsync(WebSocket ws)'",
            diagnostics[1].GetMessage(CultureInfo.InvariantCulture));
        AssertServed(source, "Velithon.Handlers.Endpoint.g.cs");
    }

    [Fact]
    public async Task HelpersNamedLikeLifecycleMethods_ReportNothing_AndTheEndpointIsServed()
    {
        // Helpers that take no connection and return no task are not lifecycle methods written wrong.
        const string source = """
            [WebSocket("/a")]
            public sealed class Endpoint : WebSocketEndpoint
            {
                public override ValueTask OnErrorAsync(WebSocket ws, Exception exception)
                {
                    OnError(exception.Message);
                    return default;
                }

                private void OnError(string message) => Console.Error.WriteLine(message);

                internal static int OnReceive(string data) => data.Length;
            }
            """;
        await DiagnosticMarkup.VerifyAsync(source);
        AssertServed(source, "Velithon.Handlers.Endpoint.g.cs");
    }

    [Fact]
    public async Task DuplicateMessageType_ReportsVLT0017()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(GameContext + """
            [WebSocket("/a")]
            [JsonMessages(typeof(GameJsonContext))]
            public sealed class Endpoint : WebSocketEndpoint
            {
                [OnMessage("move")]
                public ValueTask OnMove(WebSocket ws, Move move) => default;

                [OnMessage("move")]
                public ValueTask {|VLT0017:OnMoveAgain|}(WebSocket ws, Move move) => default;
            }
            """);
        Assert.Equal(
            "The message type 'move' is handled by both 'OnMove' and 'OnMoveAgain'; give each [OnMessage] method its own type",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task MessageTypeWithoutMetadata_ReportsVLT0018()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(GameContext + """
            [WebSocket("/a")]
            [JsonMessages(typeof(GameJsonContext))]
            public sealed class Endpoint : WebSocketEndpoint
            {
                [OnMessage("unlisted")]
                public ValueTask {|VLT0018:OnUnlisted|}(WebSocket ws, Unlisted message) => default;
            }
            """);
        Assert.Equal(
            "The message type 'Unlisted' of 'OnUnlisted' has no metadata in 'GameJsonContext'; add [JsonSerializable(typeof(Unlisted))] to it",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task MissingOrWrongContext_ReportsVLT0019()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(GameContext + """
            [WebSocket("/a")]
            public sealed class {|VLT0019:NoContext|} : WebSocketEndpoint
            {
                [OnMessage("move")]
                public ValueTask OnMove(WebSocket ws, Move move) => default;
            }

            [WebSocket("/b")]
            [JsonMessages(typeof(string))]
            public sealed class {|VLT0019:WrongContext|} : WebSocketEndpoint
            {
                [OnMessage("move")]
                public ValueTask OnMove(WebSocket ws, Move move) => default;
            }
            """);
        Assert.Equal(
            "The endpoint 'NoContext' has [OnMessage] methods but no [JsonMessages] attribute; add [JsonMessages(typeof(AppJsonContext))] naming a source-generated JsonSerializerContext",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(
            "The endpoint 'WrongContext' has [OnMessage] methods but 'string' is not a JsonSerializerContext; add [JsonMessages(typeof(AppJsonContext))] naming a source-generated JsonSerializerContext",
            diagnostics[1].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task BadMessageHandlerShape_ReportsVLT0020()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync(GameContext + """
            [WebSocket("/a")]
            [JsonMessages(typeof(GameJsonContext))]
            public sealed class Endpoint : WebSocketEndpoint
            {
                [OnMessage("a")]
                public ValueTask {|VLT0020:NoSocket|}(Move move) => default;

                [OnMessage("b")]
                public void {|VLT0020:ReturnsVoid|}(WebSocket ws, Move move) { }

                [OnMessage("c")]
                public static ValueTask {|VLT0020:IsStatic|}(WebSocket ws, Move move) => default;

                [OnMessage("")]
                public ValueTask {|VLT0020:NoType|}(WebSocket ws, Move move) => default;
            }
            """);
        Assert.Equal(
            "The [OnMessage] method 'ReturnsVoid' returns 'void' but must return ValueTask or Task; declare it 'public ValueTask ReturnsVoid(WebSocket ws, TMessage message)' in the endpoint class",
            diagnostics[1].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task MessageHandlersOutsideAWebSocketClass_ReportVLT0020_SinceNoRouteCallsThem()
    {
        // A route dispatches to the [OnMessage] methods its own [WebSocket] class declares: these were dropped with
        // no word, the base class's even though the endpoint deriving from it is a route.
        var diagnostics = await DiagnosticMarkup.VerifyAsync(GameContext + """
            public abstract class GameBase : WebSocketEndpoint
            {
                [OnMessage("move")]
                public ValueTask {|VLT0020:OnMove|}(WebSocket ws, Move move) => default;
            }

            [WebSocket("/game")]
            [JsonMessages(typeof(GameJsonContext))]
            public sealed class Game : GameBase
            {
                [OnMessage("resign")]
                public ValueTask OnResign(WebSocket ws, Move move) => default;
            }

            public sealed class Helpers
            {
                [OnMessage("move")]
                public ValueTask {|VLT0020:Forgotten|}(WebSocket ws, Move move) => default;
            }
            """);
        Assert.Equal(
            [
                "The [OnMessage] method 'OnMove' is declared in 'GameBase', which has no [WebSocket], and a route dispatches only to the [OnMessage] methods its own [WebSocket] class declares, so it is never called; declare it 'public ValueTask OnMove(WebSocket ws, TMessage message)' in the endpoint class",
                "The [OnMessage] method 'Forgotten' is declared in 'Helpers', which has no [WebSocket], and a route dispatches only to the [OnMessage] methods its own [WebSocket] class declares, so it is never called; declare it 'public ValueTask Forgotten(WebSocket ws, TMessage message)' in the endpoint class",
            ],
            diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task TextOverrideWithTypedMessages_ReportsVLT0021Warning_AndTheEndpointIsStillServed()
    {
        const string source = GameContext + """
            [WebSocket("/a")]
            [JsonMessages(typeof(GameJsonContext))]
            public sealed class {|VLT0021:Endpoint|} : WebSocketEndpoint
            {
                public override ValueTask OnReceiveAsync(WebSocket ws, string data) => default;

                [OnMessage("move")]
                public ValueTask OnMove(WebSocket ws, Move move) => default;
            }
            """;
        var diagnostics = await DiagnosticMarkup.VerifyAsync(source, OutputKind.DynamicallyLinkedLibrary, DiagnosticSeverity.Warning);
        Assert.Equal(
            "The endpoint 'Endpoint' overrides OnReceiveAsync and has [OnMessage] methods; each text message goes to the [OnMessage] methods, so the override is never called for text; remove the override or the [OnMessage] methods",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        AssertServed(source, "Velithon.Handlers.Endpoint.g.cs");
    }

    [Fact]
    public async Task RouteSharedByClassAndMethod_ReportsVLT0002()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            [WebSocket({|VLT0002:"/chat/<room>"|})]
            public sealed class ChatEndpoint(string room) : WebSocketEndpoint
            {
                public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync(room + data);
            }

            public static class Handlers
            {
                [WebSocket({|VLT0002:"/chat/<name>"|})]
                public static Task Chat(WebSocket ws, string name) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The route '/chat/<room>' of ChatEndpoint matches the same paths as '/chat/<name>' of Handlers.Chat; change one of the templates",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }

    /// <summary>Generates from <paramref name="markedSource"/> and asserts the handler's file is generated and compiles.</summary>
    private static void AssertServed(string markedSource, string hintName)
    {
        string source = DiagnosticMarkup.Strip(markedSource);
        var (generated, output, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + source));
        Assert.All(generated, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains(result.GeneratedSources, s => s.HintName == hintName);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
