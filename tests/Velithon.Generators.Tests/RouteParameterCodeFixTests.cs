using Microsoft.CodeAnalysis.CodeFixes;
using Velithon.CodeFixes;

namespace Velithon.Generators.Tests;

/// <summary>
/// The code fixes of routes and their binding: VLT0001 (slashes in a template), VLT0003 (a route parameter no parameter takes), VLT0004 (a parameter that binds from
/// nothing), VLT0006 (a converter that disagrees with the parameter) and VLT0022 (a path parameter key the route lacks).
/// </summary>
public sealed class RouteParameterCodeFixTests
{
    [Theory]
    [InlineData("<roomId>", "string roomId")]
    [InlineData("{roomId}", "string roomId")]
    [InlineData("<str:roomId>", "string roomId")]
    [InlineData("<path:roomId>", "string roomId")]
    [InlineData("{*roomId}", "string roomId")]
    [InlineData("<int:roomId>", "int roomId")]
    [InlineData("{roomId:long}", "long roomId")]
    [InlineData("<float:roomId>", "double roomId")]
    [InlineData("<decimal:roomId>", "decimal roomId")]
    [InlineData("<bool:roomId>", "bool roomId")]
    [InlineData("{roomId:guid}", "Guid roomId")]
    [InlineData("<uuid:roomId>", "Guid roomId")]
    public async Task AddRouteParameter_TakesTheConvertersType(string routeParameter, string parameter)
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/chat/ROUTE")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new AddRouteParameterCodeFixProvider(), "VLT0003", "AddRouteParameter", Source.Replace("ROUTE", routeParameter, StringComparison.Ordinal));
        Assert.Equal(
            SnapshotTests.Usings + Source.Replace("ROUTE", routeParameter, StringComparison.Ordinal).Replace("WebSocket ws)", $"WebSocket ws, {parameter})", StringComparison.Ordinal),
            fixedSource);
    }

    [Fact]
    public async Task AddRouteParameter_GoesBeforeOptionalAndCancellationTokenParameters()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/chat/<roomId>")]
                public static Task Handle(WebSocket ws, CancellationToken aborted, [FromQuery] int limit = 10) => Task.CompletedTask;

                [WebSocket("/room/<roomId>")]
                public static Task Other(WebSocket ws, [FromQuery] int limit = 10, CancellationToken aborted = default) => Task.CompletedTask;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new AddRouteParameterCodeFixProvider(), "VLT0003", "AddRouteParameter", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("WebSocket ws, CancellationToken", "WebSocket ws, string roomId, CancellationToken", StringComparison.Ordinal)
                .Replace("WebSocket ws, [FromQuery]", "WebSocket ws, string roomId, [FromQuery]", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Fact]
    public async Task AddRouteParameter_FixAll_AddsEveryParameterInTemplateOrder()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/chat/<roomId>/<int:page>")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;

                [WebSocket("/games/{gameId:guid}")]
                public static Task Game(
                    WebSocket ws,
                    HttpContext context)
                {
                    return Task.CompletedTask;
                }
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new AddRouteParameterCodeFixProvider(), "VLT0003", "AddRouteParameter", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + """
            public static class Handlers
            {
                [WebSocket("/chat/<roomId>/<int:page>")]
                public static Task Handle(WebSocket ws, string roomId, int page) => Task.CompletedTask;

                [WebSocket("/games/{gameId:guid}")]
                public static Task Game(
                    WebSocket ws,
                    HttpContext context,
                    Guid gameId)
                {
                    return Task.CompletedTask;
                }
            }
            """,
            fixedSources[0]);
    }

    [Fact]
    public async Task AddRouteParameter_ToTheEndpointsConstructor()
    {
        const string Source = """
            [WebSocket("/chat/<int:roomId>")]
            public sealed class Chat : WebSocketEndpoint
            {
                private readonly TimeProvider clock;

                public Chat(TimeProvider clock)
                {
                    this.clock = clock;
                }
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new AddRouteParameterCodeFixProvider(), "VLT0003", "AddRouteParameter", Source);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("Chat(TimeProvider clock)", "Chat(TimeProvider clock, int roomId)", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task AddRouteParameter_KeywordNameIsEscaped()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/schools/<class>")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new AddRouteParameterCodeFixProvider(), "VLT0003", "AddRouteParameter", Source);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("WebSocket ws)", "WebSocket ws, string @class)", StringComparison.Ordinal), fixedSource);
    }

    [Theory]
    [InlineData("""
        [WebSocket("/chat/<roomId>")]
        public sealed class Chat : WebSocketEndpoint
        {
        }
        """)]
    [InlineData("""
        [WebSocket("/chat/<roomId>")]
        public sealed class Chat(TimeProvider clock) : WebSocketEndpoint
        {
            public TimeProvider Clock => clock;
        }
        """)]
    [InlineData("""
        public static class Handlers
        {
            [WebSocket("/chat/<roomId>")]
            public static Task Handle(WebSocket ws)
            {
                var roomId = "lobby";
                return ws.SendTextAsync(roomId).AsTask();
            }
        }
        """)]
    public async Task AddRouteParameter_NotOfferedWithoutAPlaceOrWhenTheNameIsTaken(string source)
    {
        Assert.Empty(await EndpointCodeFix.OffersAsync(new AddRouteParameterCodeFixProvider(), "VLT0003", source));
    }

    [Theory]
    [InlineData("AddFromQuery", "[FromQuery] string token")]
    [InlineData("AddFromHeader", "[FromHeader] string token")]
    public async Task BindingSource_MarksTheParameter(string equivalenceKey, string parameter)
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/chat/<roomId>")]
                public static Task Handle(WebSocket ws, string roomId, string token) => Task.CompletedTask;
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new BindingSourceCodeFixProvider(), "VLT0004", equivalenceKey, Source);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("string token", parameter, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task BindingSource_OffersServicesOnlyForAClassOrInterface()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws, int limit) => Task.CompletedTask;
            }
            """;
        Assert.Equal(
            ["AddFromQuery", "AddFromHeader"],
            (await EndpointCodeFix.OffersAsync(new BindingSourceCodeFixProvider(), "VLT0004", Source)).Select(a => a.EquivalenceKey));

        const string WithClass = """
            public sealed class Tenant : IParsable<Tenant>
            {
                public static Tenant Parse(string s, IFormatProvider? provider) => new();
                public static bool TryParse(string? s, IFormatProvider? provider, out Tenant result) { result = new(); return true; }
            }

            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws, Tenant tenant) => Task.CompletedTask;
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new BindingSourceCodeFixProvider(), "VLT0004", "AddFromServices", WithClass);
        Assert.Equal(SnapshotTests.Usings + WithClass.Replace("Tenant tenant)", "[FromServices] Tenant tenant)", StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task BindingSource_AddsTheUsingTheFileLacks()
    {
        const string Source = """
            using System.Threading.Tasks;
            using Velithon;

            namespace Demo;

            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws, string token) => Task.CompletedTask;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.ApplyAsync(new BindingSourceCodeFixProvider(), "VLT0004", "AddFromQuery", [Source]);
        Assert.Equal(
            Source
                .Replace("using System.Threading.Tasks;\n", "using System.Threading.Tasks;\nusing Microsoft.AspNetCore.Mvc;\n", StringComparison.Ordinal)
                .Replace("string token", "[FromQuery] string token", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Fact]
    public async Task BindingSource_FixAll_MarksEveryParameter()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws, string token, int limit) => Task.CompletedTask;

                [WebSocket("/b")]
                public static Task Other(WebSocket ws, Guid session) => Task.CompletedTask;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new BindingSourceCodeFixProvider(), "VLT0004", "AddFromQuery", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("string token, int limit", "[FromQuery] string token, [FromQuery] int limit", StringComparison.Ordinal)
                .Replace("Guid session", "[FromQuery] Guid session", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Fact]
    public async Task BindingSource_FixAll_AddsTheUsingOnce()
    {
        const string Source = """
            using System.Threading.Tasks;
            using Velithon;

            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws, string token) => Task.CompletedTask;

                [WebSocket("/b")]
                public static Task Other(WebSocket ws, int limit) => Task.CompletedTask;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new BindingSourceCodeFixProvider(), "VLT0004", "AddFromHeader", FixAllScope.Document, Source);
        Assert.Equal(
            Source
                .Replace("using System.Threading.Tasks;\n", "using System.Threading.Tasks;\nusing Microsoft.AspNetCore.Mvc;\n", StringComparison.Ordinal)
                .Replace("string token", "[FromHeader] string token", StringComparison.Ordinal)
                .Replace("int limit", "[FromHeader] int limit", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Theory]
    [InlineData("<int:id>", "<id>")]
    [InlineData("{id:int}", "{id}")]
    [InlineData("<guid:id>", "<id>")]
    public async Task RemoveRouteConverter_LetsTheParameterTypeDecide(string before, string after)
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/items/ROUTE")]
                public static Task Handle(WebSocket ws, long id) => Task.CompletedTask;
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new RemoveRouteConverterCodeFixProvider(), "VLT0006", "RemoveRouteConverter", Source.Replace("ROUTE", before, StringComparison.Ordinal));
        Assert.Equal(SnapshotTests.Usings + Source.Replace("ROUTE", after, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task RemoveRouteConverter_FixAll_OnAnEndpointsConstructorToo()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/a/<int:x>/<bool:y>")]
                public static Task Handle(WebSocket ws, string x, string y) => Task.CompletedTask;
            }

            [WebSocket("/b/{z:decimal}")]
            public sealed class Endpoint(double z) : WebSocketEndpoint
            {
                public double Z => z;
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new RemoveRouteConverterCodeFixProvider(), "VLT0006", "RemoveRouteConverter", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + Source
                .Replace("/a/<int:x>/<bool:y>", "/a/<x>/<y>", StringComparison.Ordinal)
                .Replace("/b/{z:decimal}", "/b/{z}", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Theory]
    [InlineData("<path:rest>")]
    [InlineData("{*rest}")]
    [InlineData("{rest:path}")]
    public async Task RemoveRouteConverter_NotOfferedForTheRestOfThePath(string route)
    {
        string source = $$"""
            public static class Handlers
            {
                [WebSocket("/files/{{route}}")]
                public static Task Handle(WebSocket ws, int rest) => Task.CompletedTask;
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new RemoveRouteConverterCodeFixProvider(), "VLT0006", source));
    }

    [Fact]
    public async Task ReadMeantKey_ReadsTheRouteParameterTheKeyLooksLike()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("/chat/{room_id}")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    await ws.SendTextAsync(ws.PathParameters["roomId"]?.ToString() ?? "");
                }
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new ReadMeantKeyCodeFixProvider(), "VLT0022", "ReadMeantKey", Source);
        Assert.Equal(SnapshotTests.Usings + Source.Replace("[\"roomId\"]", "[\"room_id\"]", StringComparison.Ordinal), fixedSource);
    }

    [Theory]
    [InlineData("string room_id", "room_id + ws.PathParameters[\"page\"]")]
    [InlineData("", "ws.PathParameters[Key]")]
    public async Task ReadMeantKey_NotOfferedWithoutAGuessOrForAConstant(string parameter, string read)
    {
        // The first key resembles no route parameter left unused; the second is a constant, which may be used elsewhere.
        string source = $$"""
            public static class Handlers
            {
                private const string Key = "roomId";

                [WebSocket("/chat/{room_id}")]
                public static async Task Handle(WebSocket ws{{(parameter.Length > 0 ? ", " + parameter : "")}})
                {
                    await ws.AcceptAsync();
                    await ws.SendTextAsync({{read}} + "");
                }
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new ReadMeantKeyCodeFixProvider(), "VLT0022", source));
    }

    [Theory]
    [InlineData("chat/<room>", "/chat/<room>")]
    [InlineData("/chat/<room>/", "/chat/<room>")]
    [InlineData("/chat//<room>", "/chat/<room>")]
    [InlineData("chat//<room>//", "/chat/<room>")]
    public async Task FixTemplateSlashes_WritesTheRepairedTemplate(string template, string repaired)
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("TEMPLATE")]
                public static Task Handle(WebSocket ws, string room) => Task.CompletedTask;
            }
            """;
        string fixedSource = await EndpointCodeFix.ApplyAsync(new FixTemplateSlashesCodeFixProvider(), "VLT0001", "FixTemplateSlashes", Source.Replace("TEMPLATE", template, StringComparison.Ordinal));
        Assert.Equal(SnapshotTests.Usings + Source.Replace("TEMPLATE", repaired, StringComparison.Ordinal), fixedSource);
    }

    [Fact]
    public async Task FixTemplateSlashes_FixAll()
    {
        const string Source = """
            public static class Handlers
            {
                [WebSocket("a/")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }

            [WebSocket("b//c")]
            public sealed class Endpoint : WebSocketEndpoint
            {
            }
            """;
        string[] fixedSources = await EndpointCodeFix.FixAllAsync(new FixTemplateSlashesCodeFixProvider(), "VLT0001", "FixTemplateSlashes", FixAllScope.Document, SnapshotTests.Usings + Source);
        Assert.Equal(
            SnapshotTests.Usings + Source.Replace("\"a/\"", "\"/a\"", StringComparison.Ordinal).Replace("\"b//c\"", "\"/b/c\"", StringComparison.Ordinal),
            fixedSources[0]);
    }

    [Theory]
    [InlineData("/chat/room?")]
    [InlineData("chat/<room>?/")]
    [InlineData("//")]
    public async Task FixTemplateSlashes_NotOfferedForAnotherMistake(string template)
    {
        string source = $$"""
            public static class Handlers
            {
                [WebSocket("{{template}}")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """;
        Assert.Empty(await EndpointCodeFix.OffersAsync(new FixTemplateSlashesCodeFixProvider(), "VLT0001", source));
    }
}
