using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Tests;

/// <summary>
/// Route parameters read through <c>ws.PathParameters</c> (the Python original's <c>websocket.path_params</c>),
/// names spelled two ways, and a bad template that reports only itself.
/// </summary>
public sealed class RouteUsageDiagnosticTests
{
    [Fact]
    public async Task LiteralPortOfPathParams_ReportsNothingAndGenerates()
    {
        // The seed's "WebSocket with Path Parameters" example, ported word for word.
        const string source = """
            public static class Chat
            {
                [WebSocket("/chat/{room_id}")]
                public static async Task ChatRoom(WebSocket ws)
                {
                    var roomId = ws.PathParameters["room_id"];
                    await ws.AcceptAsync();
                }
            }
            """;
        await DiagnosticMarkup.VerifyAsync(source);

        var (_, output, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + source));
        Assert.Contains("Velithon.Handlers.Chat_ChatRoom.g.cs", result.GeneratedSources.Select(s => s.HintName));
        GeneratorHarness.AssertClean(output);
    }

    [Fact]
    public async Task ConstantKeysInEveryForm_CountAsUsed()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Keys { public const string Room = "room"; }
            public static class Handlers
            {
                private const string Id = "ID";

                [WebSocket("/a/<room>/<int:id>/<user>/<zone>/<path:rest>")]
                public static Task Handle(WebSocket ws, string rest)
                {
                    _ = ws.PathParameters[Keys.Room];
                    _ = ws.PathParameters[Id];
                    _ = ws.PathParameters.TryGetValue("user", out var user);
                    string zone = "zone";
                    _ = ws.HttpContext.Request.RouteValues.ContainsKey(nameof(zone));
                    return Task.CompletedTask;
                }
            }
            """);
    }

    [Fact]
    public async Task ReadOfAKeyTheTemplateLacks_ReportsVLT0022AtTheKey()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/chat/<room_id>/<int:page>")]
                public static Task Handle(WebSocket ws, int page)
                {
                    _ = ws.PathParameters["room_id"];
                    _ = ws.PathParameters[{|VLT0022:"roomId"|}];
                    return Task.CompletedTask;
                }
            }
            """);
        Assert.Equal(
            "The handler reads the path parameter 'roomId', but the route '/chat/<room_id>/<int:page>' has no parameter 'roomId' (its parameters are 'room_id', 'page'), so the read always finds nothing; use one of them or add <roomId> to the template",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task KeyThatLooksLikeAnUnusedRouteParameter_ReportsOneVLT0022NamingIt()
    {
        // A typo of the key: one diagnostic that names the parameter meant, not VLT0022 plus VLT0003 for it.
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/chat/<roomId>/<int:page>")]
                public static Task Handle(WebSocket ws, int page) =>
                    ws.SendTextAsync((string)ws.PathParameters[{|VLT0022:"romId"|}]!).AsTask();
            }
            """);
        Assert.Equal(
            "The handler reads the path parameter 'romId', but the route '/chat/<roomId>/<int:page>' has no parameter 'romId' (its parameters are 'roomId', 'page'), so the read always finds nothing; did you mean 'roomId'? Read that key, or add <romId> to the template",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task KeyThatLooksLikeARouteParameterAlreadyBound_ReportsVLT0022WithoutAGuess()
    {
        // 'page' is bound by the method parameter, so the read of 'pages' is not a typo of an unused parameter.
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/list/<int:page>")]
                public static Task Handle(WebSocket ws, int page) =>
                    ws.SendTextAsync((string)ws.PathParameters[{|VLT0022:"pages"|}]!).AsTask();
            }
            """);
        Assert.Equal(
            "The handler reads the path parameter 'pages', but the route '/list/<int:page>' has no parameter 'pages' (its parameters are 'page'), so the read always finds nothing; use one of them or add <pages> to the template",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ComputedKey_ReportsNoUnusedRouteParameter()
    {
        // The generator cannot know which keys a computed read takes, so it reports none unused.
        await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/a/<room>/<user>")]
                public static Task Handle(WebSocket ws)
                {
                    foreach (var name in new[] { "room", "user" })
                    {
                        _ = ws.PathParameters[name];
                    }

                    return Task.CompletedTask;
                }
            }
            """);
    }

    [Fact]
    public async Task WebSocketOrPathParametersPassedToAnotherMethod_CountAsUnknownReads()
    {
        // The other method may read any key (here it reads the route's), so neither handler gets VLT0003.
        await DiagnosticMarkup.VerifyAsync("""
            using System.Collections.Generic;

            public static class Handlers
            {
                [WebSocket("/a/<room>")]
                public static Task Handle(WebSocket ws) => Helper(ws);

                [WebSocket("/b/<room>")]
                public static Task HandleValues(WebSocket ws) => Send(ws, ws.PathParameters);

                private static Task Helper(WebSocket ws) => ws.SendTextAsync((string)ws.PathParameters["room"]!).AsTask();

                private static Task Send(WebSocket ws, IReadOnlyDictionary<string, object?> values) => ws.SendTextAsync((string)values["room"]!).AsTask();
            }
            """);
    }

    [Fact]
    public async Task WebSocketUsedOnlyThroughItsOwnMembers_StillReportsVLT0003()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/a/{|VLT0003:<room>|}")]
                public static Task Handle(WebSocket ws) => ws.SendTextAsync("hi").AsTask();
            }
            """);
    }

    [Fact]
    public async Task EndpointClassReadingPathParameters_CountsAsUsed()
    {
        await DiagnosticMarkup.VerifyAsync("""
            [WebSocket("/rooms/<room_id>")]
            public sealed class RoomEndpoint : WebSocketEndpoint
            {
                public override ValueTask OnConnectAsync(WebSocket ws) => new(ws.AcceptAsync(ws.PathParameters["room_id"] as string));

                public override ValueTask OnReceiveAsync(WebSocket ws, string data) =>
                    ws.SendTextAsync(ws.PathParameters[{|VLT0022:"count"|}]?.ToString() ?? "");
            }
            """);
    }

    [Fact]
    public async Task NamesSpelledTwoWays_ReportOneVLT0023NamingTheFix()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/chat/{|VLT0023:{room_id}|}/<userName>")]
                public static Task Handle(WebSocket ws, string roomId, string username) => Task.CompletedTask;
            }
            """);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "The route parameter 'room_id' matches no parameter of Handlers.Handle; did you mean the parameter 'roomId'? Rename one of them so they match, or mark the parameter [FromRoute(Name = \"room_id\")]",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
        var parameter = Assert.Single(diagnostic.AdditionalLocations);
        Assert.Equal("roomId", parameter.SourceTree!.GetText().ToString(parameter.SourceSpan));
    }

    [Fact]
    public async Task OneTypedCharacterApart_ReportsVLT0023()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/chat/{|VLT0023:<roomId>|}")]
                public static Task Handle(WebSocket ws, string romId) => Task.CompletedTask;
            }
            """);
    }

    [Fact]
    public async Task MalformedTemplate_ReportsOnlyVLT0001()
    {
        // Before, every parameter that a valid template would have bound also got VLT0004.
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/chat/{|VLT0001:<room|}")]
                public static Task Handle(WebSocket ws, string room, int id, [FromRoute] string other)
                {
                    _ = ws.PathParameters["missing"];
                    return Task.CompletedTask;
                }
            }
            """);
        Assert.Equal("VLT0001", Assert.Single(diagnostics).Id);
    }
}
