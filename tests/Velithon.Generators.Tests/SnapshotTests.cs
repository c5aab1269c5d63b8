namespace Velithon.Generators.Tests;

/// <summary>The generated source for representative handlers, compared with approved baselines.</summary>
public sealed class SnapshotTests
{
    public const string Usings = """
        using System;
        using System.Security.Claims;
        using System.Text.Json.Serialization;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Mvc;
        using Microsoft.Extensions.DependencyInjection;
        using Velithon;

        """;

    [Fact]
    public void EchoHandler()
    {
        var hints = VerifyAll(Usings + """
            namespace Demo;

            public static class Chat
            {
                [WebSocket("/echo")]
                public static async Task Echo(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    while (true)
                    {
                        await ws.SendTextAsync("Echo: " + await ws.ReceiveTextAsync());
                    }
                }
            }
            """);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Demo_Chat_Echo.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], hints);
    }

    [Fact]
    public void EveryBindingSource()
    {
        var hints = VerifyAll(Usings + """
            namespace Demo;

            public interface IRoomRegistry { }
            public interface IClock { }
            public enum Mode { Read, Write }
            public readonly record struct Slug(string Value) : IParsable<Slug>
            {
                public static Slug Parse(string s, IFormatProvider? provider) => new(s);
                public static bool TryParse(string? s, IFormatProvider? provider, out Slug result)
                {
                    result = new(s ?? "");
                    return s is not null;
                }
            }

            internal static class Rooms
            {
                [WebSocket("/rooms/<int:id>/{slug}/<guid:key>/<path:rest>")]
                internal static ValueTask Join(
                    WebSocket ws,
                    int id,
                    Slug slug,
                    Guid key,
                    string rest,
                    [FromQuery] string token,
                    [FromQuery(Name = "m")] Mode mode,
                    [FromQuery] long? since,
                    [FromHeader(Name = "X-Trace")] string? trace,
                    IRoomRegistry rooms,
                    [FromKeyedServices("utc")] IClock clock,
                    IClock? optionalClock,
                    HttpContext context,
                    ClaimsPrincipal user,
                    CancellationToken aborted,
                    [FromQuery] decimal limit = 2.5m,
                    [FromQuery] string name = "guest",
                    [FromQuery] Mode fallback = Mode.Write) => default;
            }
            """);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Demo_Rooms_Join.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], hints);
    }

    [Fact]
    public void NamesThatCollideWithGeneratedLocals()
    {
        var hints = VerifyAll(Usings + """
            public static class Odd
            {
                [WebSocket("/odd/<int:socket>/<event>")]
                public static Task Handle(WebSocket httpContext, int socket, string @event, [FromQuery] int? socketText) => Task.CompletedTask;

                [WebSocket("/odd-overload")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Odd_Handle.g.cs", "Velithon.Handlers.Odd_Handle_2.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], hints);
    }

    [Fact]
    public void EndpointClass()
    {
        var hints = VerifyAll(Usings + """
            namespace Demo;

            public interface IRooms { }

            [WebSocket("/echo/<int:channel>")]
            public sealed class EchoEndpoint(int channel, [FromQuery] string? name, IRooms rooms) : WebSocketEndpoint
            {
                public override ValueTask OnReceiveAsync(WebSocket ws, string data) => ws.SendTextAsync($"{channel} {name} {rooms}: {data}");

                public override ValueTask OnReceiveBytesAsync(WebSocket ws, ReadOnlyMemory<byte> data) => ws.SendBytesAsync(data);
            }

            [WebSocket("/plain")]
            public sealed class PlainEndpoint : WebSocketEndpoint
            {
            }
            """);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Demo_EchoEndpoint.g.cs", "Velithon.Handlers.Demo_PlainEndpoint.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], hints);
    }

    [Fact]
    public void HandlerAttributesBecomeEndpointMetadata()
    {
        var hints = VerifyAll(Usings + """
            using Microsoft.AspNetCore.Authorization;
            using Microsoft.AspNetCore.RateLimiting;

            namespace Demo;

            public enum Level { Low, High }

            [AttributeUsage(AttributeTargets.All)]
            public sealed class TaggedAttribute(Level level, Type owner, params string[] tags) : Attribute
            {
                public Level Level { get; } = level;
                public Type Owner { get; } = owner;
                public string[] Tags { get; } = tags;
                public double Weight { get; set; }
                public char Mark { get; set; }
            }

            public static class Secure
            {
                [Authorize(Policy = "Admins", Roles = "ops,dev")]
                [EnableRateLimiting("fixed")]
                [WebSocketCompression(ServerMaxWindowBits = 10)]
                [Tagged(Level.High, typeof(Secure), "a", "b\"c", Weight = 0.5, Mark = 'x')]
                [System.Diagnostics.DebuggerStepThrough]
                [WebSocket("/secure")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }

            [AllowAnonymous]
            [WebSocket("/open")]
            public sealed class OpenEndpoint : WebSocketEndpoint
            {
            }
            """);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Demo_OpenEndpoint.g.cs", "Velithon.Handlers.Demo_Secure_Handle.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], hints);
    }

    [Fact]
    public void TypedMessages()
    {
        var hints = VerifyAll(Usings + """
            namespace Demo;

            public sealed record Move(int X, int Y);
            public sealed record Say(string Text);

            // Written by hand: the System.Text.Json generator does not run in these test compilations.
            [JsonSerializable(typeof(Move))]
            [JsonSerializable(typeof(Say))]
            public sealed class GameJsonContext() : JsonSerializerContext(null)
            {
                public static GameJsonContext Default { get; } = new();
                protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;
                public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
            }

            [WebSocket("/game/<gameId>")]
            [JsonMessages(typeof(GameJsonContext), Discriminator = "kind")]
            public sealed class GameEndpoint(string gameId) : WebSocketEndpoint
            {
                [OnMessage("move")]
                public ValueTask OnMove(WebSocket ws, Move move) => ws.SendTextAsync(gameId);

                [OnMessage("say")]
                public Task OnSay(WebSocket ws, Say say) => Task.CompletedTask;
            }
            """);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Demo_GameEndpoint.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], hints);
    }

    // A table with a [ResumableSession] route enables the in-memory keys of its tokens, once, before its routes; a
    // table without one does not (the other baselines), so Native AOT leaves Data Protection out of such applications.
    [Fact]
    public void ResumableSessionRoute()
    {
        var hints = VerifyAll(Usings + """
            namespace Demo;

            public static class Feed
            {
                [WebSocket("/feed")]
                [ResumableSession(WindowSeconds = 60)]
                public static async Task Follow(WebSocket ws)
                {
                    await foreach (var message in ws.ReceiveMessagesAsync())
                    {
                        await ws.SendAsync(message);
                    }
                }

                [WebSocket("/plain")]
                public static Task Plain(WebSocket ws) => ws.AcceptAsync();
            }
            """);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Demo_Feed_Follow.g.cs", "Velithon.Handlers.Demo_Feed_Plain.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], hints);
    }

    [Fact]
    public void NoHandlers()
    {
        Assert.Equal(["Velithon.Routes.g.cs"], VerifyAll("public static class Nothing { }"));
    }

    /// <summary>Generates from <paramref name="source"/>, checks the output compiles cleanly, and compares every file with its baseline.</summary>
    private static string[] VerifyAll(string source, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        GeneratorHarness.AssertClean(compilation);
        var (_, output, result) = GeneratorHarness.Run(compilation);
        GeneratorHarness.AssertClean(output);
        Baseline.VerifyAll(result.GeneratedSources.Select(generated => (generated.HintName, generated.SourceText.ToString())), test);

        // Each handler's file is its own output, produced in declaration order: the names are compared sorted.
        return [.. result.GeneratedSources.Select(generated => generated.HintName).Order(StringComparer.Ordinal)];
    }
}
