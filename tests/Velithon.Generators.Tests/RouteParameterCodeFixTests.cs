using Microsoft.CodeAnalysis.CodeFixes;
using Velithon.CodeFixes;

namespace Velithon.Generators.Tests;

/// <summary>The code fixes of VLT0003 (a route parameter no parameter takes) and VLT0004 (a parameter that binds from nothing).</summary>
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
}
