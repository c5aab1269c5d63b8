using Microsoft.CodeAnalysis.CodeFixes;
using Velithon.CodeFixes;

namespace Velithon.Generators.Tests;

/// <summary>
/// The code fixes of endpoint classes: the constructor the route table calls (VLT0015), a lifecycle look-alike that can
/// override (VLT0016), a message type missing from the JSON context (VLT0018).
/// </summary>
public sealed class EndpointClassCodeFixTests
{
    private const string Context = """
        using System;
        using System.Text.Json.Serialization;

        namespace Demo.Json;

        public sealed record Move(int X, int Y);

        /// <summary>The game's messages.</summary>
        [JsonSerializable(typeof(Move))]
        public sealed partial class GameJsonContext() : JsonSerializerContext(null)
        {
            public static GameJsonContext Default { get; } = new();
            protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
            public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
        }
        """;

    private const string Endpoint = """
        using Demo.Json;

        namespace Demo;

        public sealed record Say(string Text);

        [WebSocket("/game")]
        [JsonMessages(typeof(GameJsonContext))]
        public sealed class Game : WebSocketEndpoint
        {
            [OnMessage("move")]
            public ValueTask OnMove(WebSocket ws, Move move) => default;

            [OnMessage("say")]
            public ValueTask OnSay(WebSocket ws, Say say) => default;
        }
        """;

    [Theory]
    [InlineData("public ValueTask OnReceiveAsync(WebSocket ws, string data) => default;", "public override ValueTask OnReceiveAsync(WebSocket ws, string data) => default;")]
    [InlineData("public new ValueTask OnConnectAsync(WebSocket ws) => default;", "public override ValueTask OnConnectAsync(WebSocket ws) => default;")]
    [InlineData("public virtual async ValueTask OnDisconnectAsync(WebSocket ws) => await Task.Yield();", "public override async ValueTask OnDisconnectAsync(WebSocket ws) => await Task.Yield();")]
    [InlineData("public ValueTask OnErrorAsync(WebSocket ws, Exception? exception) => default;", "public override ValueTask OnErrorAsync(WebSocket ws, Exception? exception) => default;")]
    public async Task AddOverride_DeclaresTheLookAlikeOverride(string before, string after)
    {
        const string Source = """
            [WebSocket("/a")]
            public class Endpoint : WebSocketEndpoint
            {
                MEMBER
            }
            """;
        // The look-alike hides the base method (CS0114): a warning the fixed code no longer has.
        string fixedSource = await EndpointCodeFix.ApplyAsync(new AddOverrideCodeFixProvider(), "VLT0016", "AddOverride", Source.Replace("MEMBER", before, StringComparison.Ordinal));
        Assert.Equal(SnapshotTests.Usings + Source.Replace("MEMBER", after, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task AddOverride_FixAll_ThroughAnIntermediateBaseClass()
    {
        const string Source = """
            public abstract class GameEndpoint : WebSocketEndpoint
            {
                public override ValueTask OnConnectAsync(WebSocket ws) => default;
            }

            [WebSocket("/a")]
            public sealed class Endpoint : GameEndpoint
            {
                public ValueTask OnConnectAsync(WebSocket ws) => default;

                public ValueTask OnReceiveBytesAsync(WebSocket ws, ReadOnlyMemory<byte> data) => default;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new AddOverrideCodeFixProvider(), "VLT0016", "AddOverride", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("    public ValueTask OnConnectAsync", "    public override ValueTask OnConnectAsync", StringComparison.Ordinal)
                .Replace("public ValueTask OnReceiveBytesAsync", "public override ValueTask OnReceiveBytesAsync", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Theory]
    [InlineData("public ValueTask OnReceiveAsync(WebSocket ws, int data) => default;")]
    [InlineData("public Task OnConnectAsync(WebSocket ws) => Task.CompletedTask;")]
    [InlineData("internal ValueTask OnConnectAsync(WebSocket ws) => default;")]
    [InlineData("public ValueTask OnConnect(WebSocket ws) => default;")]
    [InlineData("public static ValueTask OnConnectAsync(WebSocket ws) => default;")]
    public async Task AddOverride_NotOfferedWhereOverrideWouldNotCompile(string member)
    {
        string source = $$"""
            [WebSocket("/a")]
            public sealed class Endpoint : WebSocketEndpoint
            {
                {{member}}
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new AddOverrideCodeFixProvider(), "VLT0016", source));
    }

    [Fact]
    public async Task AddJsonSerializable_EditsTheContextsDocument()
    {
        string[] fixedSources = await EndpointCodeFix.ApplyAsync(
            new AddJsonSerializableCodeFixProvider(), "VLT0018", "AddJsonSerializable", [SnapshotTests.Usings + Endpoint, Context]);
        Assert.Equal(SnapshotTests.Usings + Endpoint, fixedSources[0]);
        Assert.Equal(
            Context.Replace("[JsonSerializable(typeof(Move))]\n", "[JsonSerializable(typeof(Move))]\n[JsonSerializable(typeof(Say))]\n", StringComparison.Ordinal),
            fixedSources[1]);
    }

    [Fact]
    public async Task AddJsonSerializable_AddsAContractCaseToTheContractsContext()
    {
        const string Contract = """
            using Demo.Json;

            namespace Demo;

            [JsonDerivedType(typeof(Ping), "ping")]
            public abstract record ClientMessage;

            public sealed record Ping(int N) : ClientMessage;

            [JsonDerivedType(typeof(Pong), "pong")]
            public abstract record ServerMessage;

            public sealed record Pong(int N) : ServerMessage;

            [WebSocketContract(typeof(ClientMessage), typeof(ServerMessage), typeof(PingJson))]
            public sealed partial class PingSocket;

            [WebSocket("/ping")]
            public sealed class PingEndpoint : WebSocketEndpoint
            {
                [OnMessage]
                public ValueTask OnPing(PingSocket socket, Ping ping) => default;
            }
            """;
        const string PingContext = """
            using System;
            using System.Text.Json.Serialization;
            using Demo;

            namespace Demo.Json;

            [JsonSerializable(typeof(Ping))]
            public sealed partial class PingJson() : JsonSerializerContext(null)
            {
                public static PingJson Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }
            """;

        // The contract's VLT0018 is at the case's [JsonDerivedType]; the same fix edits the context it names.
        string[] fixedSources = await EndpointCodeFix.ApplyAsync(
            new AddJsonSerializableCodeFixProvider(), "VLT0018", "AddJsonSerializable", [SnapshotTests.Usings + Contract, PingContext]);
        Assert.Equal(SnapshotTests.Usings + Contract, fixedSources[0]);
        Assert.Equal(
            PingContext.Replace("[JsonSerializable(typeof(Ping))]\n", "[JsonSerializable(typeof(Ping))]\n[JsonSerializable(typeof(Pong))]\n", StringComparison.Ordinal),
            fixedSources[1]);
    }

    [Fact]
    public async Task AddJsonSerializable_FirstAttributeTakesTheDocComment_AndTheUsingIsAdded()
    {
        const string Context = """
            namespace Demo;

            public sealed record Move(int X, int Y);

            public static class Contexts
            {
                /// <summary>The game's messages.</summary>
                public sealed partial class Game() : System.Text.Json.Serialization.JsonSerializerContext(null)
                {
                    public static Game Default { get; } = new();
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
                }
            }
            """;
        const string Endpoint = """
            namespace Demo;

            [WebSocket("/game")]
            [JsonMessages(typeof(Contexts.Game))]
            public sealed class Game : WebSocketEndpoint
            {
                [OnMessage("move")]
                public ValueTask OnMove(WebSocket ws, Move move) => default;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.ApplyAsync(
            new AddJsonSerializableCodeFixProvider(), "VLT0018", "AddJsonSerializable", [SnapshotTests.Usings + Endpoint, Context]);
        Assert.Equal(
            """
            using System.Text.Json.Serialization;

            namespace Demo;

            public sealed record Move(int X, int Y);

            public static class Contexts
            {
                /// <summary>The game's messages.</summary>
                [JsonSerializable(typeof(Move))]
                public sealed partial class Game() : System.Text.Json.Serialization.JsonSerializerContext(null)
                {
                    public static Game Default { get; } = new();
                    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null;
                }
            }
            """,
            fixedSources[1]);
    }

    [Fact]
    public async Task AddJsonSerializable_FixAll_AddsEachTypeOnce()
    {
        const string Second = """
            using Demo.Json;

            namespace Demo;

            public sealed record Leave(string Reason);

            [WebSocket("/lobby")]
            [JsonMessages(typeof(GameJsonContext))]
            public sealed class Lobby : WebSocketEndpoint
            {
                [OnMessage("say")]
                public ValueTask OnSay(WebSocket ws, Say say) => default;

                [OnMessage("leave")]
                public ValueTask OnLeave(WebSocket ws, Leave leave) => default;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(
            new AddJsonSerializableCodeFixProvider(), "VLT0018", "AddJsonSerializable", FixAllScope.Project, SnapshotTests.Usings + Endpoint, SnapshotTests.Usings + Second, Context);
        Assert.Equal(
            Context.Replace("[JsonSerializable(typeof(Move))]\n", "[JsonSerializable(typeof(Move))]\n[JsonSerializable(typeof(Say))]\n[JsonSerializable(typeof(Leave))]\n", StringComparison.Ordinal),
            fixedSources[2]);
    }

    [Fact]
    public async Task MarkConstructor_OffersEachConstructor_AndAddsTheUsing()
    {
        const string Source = """
            using System;
            using System.Threading.Tasks;
            using Velithon;

            [WebSocket("/chat/<room>")]
            public sealed class Chat : WebSocketEndpoint
            {
                public Chat()
                {
                }

                /// <summary>The one to call.</summary>
                public Chat(string room, TimeProvider clock)
                {
                    Room = room;
                }

                public string Room { get; } = "";
            }
            """;
        Assert.Equal(
            ["MarkConstructor.Chat()", "MarkConstructor.Chat(string, TimeProvider)"],
            (await EndpointCodeFix.OffersAsync(new UsableConstructorCodeFixProvider(), "VLT0015", [Source])).Select(a => a.EquivalenceKey));
        string[] fixedSources = await EndpointCodeFix.ApplyAsync(new UsableConstructorCodeFixProvider(), "VLT0015", "MarkConstructor.Chat(string, TimeProvider)", [Source]);
        Assert.Equal(
            Source
                .Replace("using Velithon;\n", "using Microsoft.Extensions.DependencyInjection;\nusing Velithon;\n", StringComparison.Ordinal)
                .Replace("    /// <summary>The one to call.</summary>\n", "    /// <summary>The one to call.</summary>\n    [ActivatorUtilitiesConstructor]\n", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Fact]
    public async Task MakeConstructorInternal_WhenTheOnlyOneIsHidden()
    {
        const string Source = """
            [WebSocket("/a")]
            public sealed class Endpoint : WebSocketEndpoint
            {
                private Endpoint(TimeProvider clock)
                {
                    Clock = clock;
                }

                public TimeProvider Clock { get; }
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new UsableConstructorCodeFixProvider(), "VLT0015", "MakeConstructorInternal", Source);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("private Endpoint(", "internal Endpoint(", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task MarkConstructor_NotOfferedWhenSeveralAreMarked()
    {
        const string Source = """
            [WebSocket("/a")]
            public sealed class Endpoint : WebSocketEndpoint
            {
                [ActivatorUtilitiesConstructor]
                public Endpoint() { }

                [ActivatorUtilitiesConstructor]
                public Endpoint(TimeProvider clock) { }
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new UsableConstructorCodeFixProvider(), "VLT0015", Source));
    }
}
