using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Velithon.Generators.Tests;

/// <summary>Every VLT rule: where it points, what it says, and that valid code does not trigger it.</summary>
public sealed class DiagnosticTests
{
    [Fact]
    public async Task ValidHandlers_ReportNothing()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public interface IRooms { }
            public static class Valid
            {
                [WebSocket("/")]
                public static Task Root(WebSocket ws) => Task.CompletedTask;

                [WebSocket("/chat/<roomId>/{id:int}/<path:rest>")]
                public static async ValueTask Room(WebSocket ws, string roomId, int id, string rest, [FromQuery] string? token,
                    [FromHeader(Name = "X-A")] int? a, [FromRoute(Name = "roomId")] string again, IRooms rooms, HttpContext context,
                    ClaimsPrincipal user, CancellationToken aborted) => await Task.Yield();

                [WebSocket("/files/{*rest}")]
                internal static Task Files(WebSocket ws, string rest) => Task.CompletedTask;
            }
            """);
    }

    [Theory]
    [InlineData("""[WebSocket("{|VLT0001:chat|}")]""", "The route template 'chat' is invalid: A route template must start with '/'")]
    [InlineData("""[WebSocket("/chat{|VLT0001:/|}")]""", "The route template '/chat/' is invalid: A route template must not end with '/' (routing matches the path with or without a trailing slash); remove it")]
    [InlineData("""[WebSocket("/a{|VLT0001://|}b")]""", "The route template '/a//b' is invalid: A route template must not contain an empty segment ('//')")]
    [InlineData("""[WebSocket("/chat/{|VLT0001:<room|}")]""", "The route template '/chat/<room' is invalid: A parameter must fill its segment and be written <name> or <converter:name>")]
    [InlineData("""[WebSocket("/chat/{|VLT0001:<int:>|}")]""", "The route template '/chat/<int:>' is invalid: '' is not a valid route parameter name; use letters, digits and '_', starting with a letter or '_'")]
    [InlineData("""[WebSocket("/chat/{|VLT0001:<money:id>|}")]""", "The route template '/chat/<money:id>' is invalid: 'money' is not a route converter; use str, int, long, float, double, decimal, bool, guid, uuid or path")]
    [InlineData("""[WebSocket("/chat/{|VLT0001:{id?}|}")]""", "The route template '/chat/{id?}' is invalid: Optional route parameters are not supported; declare a second handler for the shorter path")]
    [InlineData("""[WebSocket("/a/<id>/{|VLT0001:<ID>|}")]""", "The route template '/a/<id>/<ID>' is invalid: The route parameter 'ID' appears more than once; give each parameter its own name")]
    [InlineData("""[WebSocket("/a/{|VLT0001:<path:rest>|}/b")]""", "The route template '/a/<path:rest>/b' is invalid: The path parameter 'rest' takes the rest of the path, so it must be the last segment")]
    [InlineData("""[WebSocket("/a/b{|VLT0001:?|}")]""", "The route template '/a/b?' is invalid: The character '?' is not allowed in a route; a parameter is a whole segment written <name> or {name}")]
    public async Task MalformedTemplate_ReportsVLT0001AtTheFault(string attribute, string message)
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync($$"""
            public static class Handlers
            {
                {{attribute}}
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """);
        Assert.Equal(message, Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task EscapedTemplate_ReportsVLT0001OnTheWholeArgument()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket({|VLT0001:@"chat"|})]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """);
    }

    [Fact]
    public async Task SameRouteTwice_ReportsVLT0002OnBoth()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket({|VLT0002:"/chat/<room>"|})]
                public static Task First(WebSocket ws, string room) => Task.CompletedTask;

                [WebSocket({|VLT0002:"/Chat/{id:int}"|})]
                public static Task Second(WebSocket ws, int id) => Task.CompletedTask;

                [WebSocket("/chat/<room>/more")]
                public static Task Third(WebSocket ws, string room) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The route '/chat/<room>' of Handlers.First matches the same paths as '/Chat/{id:int}' of Handlers.Second; change one of the templates",
            diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RouteParameterWithoutMethodParameter_ReportsVLT0003()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/chat/{|VLT0003:<roomId>|}")]
                public static Task Handle(WebSocket ws) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The route parameter 'roomId' has no matching parameter on Handlers.Handle; add a parameter named 'roomId', mark one [FromRoute(Name = \"roomId\")], or read ws.PathParameters[\"roomId\"] in the handler",
            Assert.Single(diagnostics).GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ParameterThatBindsFromNothing_ReportsVLT0004()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/chat/{|VLT0003:<roomId>|}")]
                public static Task Handle(WebSocket ws, string {|VLT0004:room|}, int {|VLT0004:count|}) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The parameter 'room' binds from nothing: no route parameter is named 'room'; add <room> to the template, or mark it [FromQuery], [FromHeader] or [FromServices]",
            diagnostics[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TypeThatCannotParse_ReportsVLT0005()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public sealed class Settings { }
            public static class Handlers
            {
                [WebSocket("/chat/<settings>")]
                public static Task Handle(WebSocket ws, Settings {|VLT0005:settings|}, [FromQuery] System.Collections.Generic.List<int> {|VLT0005:ids|},
                    [FromHeader] object {|VLT0005:header|}) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The parameter 'ids' of type 'System.Collections.Generic.List<int>' cannot bind from the query string: use string, a number, bool, Guid, an enum or a type that implements IParsable<T>",
            diagnostics[1].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ConverterAndTypeDisagree_ReportsVLT0006()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/a/<int:id>/<guid:key>/<path:rest>")]
                public static Task Handle(WebSocket ws, string {|VLT0006:id|}, string {|VLT0006:key|}, int {|VLT0006:rest|}) => Task.CompletedTask;

                [WebSocket("/b/<int:id>/<guid:key>")]
                public static Task Fine(WebSocket ws, int? id, Guid key) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The route parameter 'id' is declared 'int' but the method parameter has type 'string'; make the parameter 'int' or change the converter",
            diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task InstanceMethod_ReportsVLT0007()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public sealed class Handlers
            {
                [WebSocket("/a")]
                public Task {|VLT0007:Handle|}(WebSocket ws) => Task.CompletedTask;
            }
            """);
    }

    [Fact]
    public async Task InaccessibleHandler_ReportsVLT0008()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/a")]
                private static Task {|VLT0008:Hidden|}(WebSocket ws) => Task.CompletedTask;

                private static class Nested
                {
                    [WebSocket("/b")]
                    public static Task {|VLT0008:AlsoHidden|}(WebSocket ws) => Task.CompletedTask;
                }
            }
            """);
    }

    [Fact]
    public async Task GenericHandler_ReportsVLT0009()
    {
        await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task {|VLT0009:Handle|}<T>(WebSocket ws) => Task.CompletedTask;
            }

            public static class Generic<T>
            {
                [WebSocket("/b")]
                public static Task {|VLT0009:Handle|}(WebSocket ws) => Task.CompletedTask;
            }
            """);
    }

    [Fact]
    public async Task HandlerNotReturningTask_ReportsVLT0010()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async void {|VLT0010:Handle|}(WebSocket ws) => await Task.Yield();

                [WebSocket("/b")]
                public static Task<int> {|VLT0010:Other|}(WebSocket ws) => Task.FromResult(1);
            }
            """);
        Assert.Equal(
            "The WebSocket handler 'Handlers.Handle' returns 'void'; make it return Task or ValueTask (for example 'async Task')",
            diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HandlerWithoutWebSocketParameter_ReportsVLT0011()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task {|VLT0011:Handle|}(HttpContext context) => Task.CompletedTask;

                [WebSocket("/b")]
                public static Task {|VLT0011:Twice|}(WebSocket first, WebSocket second) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The WebSocket handler 'Handlers.Handle' needs exactly one parameter of type Velithon.WebSocket to talk to its client; add a parameter 'WebSocket ws'",
            diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task UnsupportedParameter_ReportsVLT0012()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public sealed class Payload { }
            public static class Handlers
            {
                [WebSocket("/a/<id>")]
                public static Task Handle(WebSocket ws, [FromBody] Payload {|VLT0012:body|}, [FromRoute(Name = "other")] string {|VLT0012:id2|}, string id) => Task.CompletedTask;

                [WebSocket("/b")]
                public static Task Other(WebSocket ws, ref int {|VLT0012:count|}) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The parameter 'body' is not supported: a WebSocket handshake has no body; receive the data as a message after accepting",
            diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Suppression_WithPragma_Works()
    {
        var compilation = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + """
            public sealed class Handlers
            {
            #pragma warning disable VLT0007
                [WebSocket("/a")]
                public Task Handle(WebSocket ws) => Task.CompletedTask;
            #pragma warning restore VLT0007
            }
            """);
        var diagnostics = await compilation
            .WithAnalyzers(
                [new Velithon.Generators.Diagnostics.VelithonEndpointAnalyzer()],
                new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true))
            .GetAllDiagnosticsAsync();
        var suppressed = Assert.Single(diagnostics, d => d.Id == "VLT0007");
        Assert.True(suppressed.IsSuppressed);
    }

    [Fact]
    public void InvalidHandlers_AreSkippedByTheGeneratorWithAnError()
    {
        var compilation = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + """
            public static class Handlers
            {
                [WebSocket("/bad/<room>")]
                public static Task Bad(WebSocket ws) => Task.CompletedTask;

                [WebSocket("/good")]
                public static Task Good(WebSocket ws) => Task.CompletedTask;
            }
            """);
        var (diagnostics, output, result) = GeneratorHarness.RunWithDiagnostics(compilation);
        Assert.Equal(["Velithon.AsyncApi.g.cs", "Velithon.Handlers.Handlers_Good.g.cs", "Velithon.RouteTable.g.cs", "Velithon.Routes.g.cs"], result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));

        // With analyzers off (RunAnalyzers=false) the build still fails on the handler left out.
        var error = Assert.Single(diagnostics);
        Assert.Equal(("VLT0003", DiagnosticSeverity.Error), (error.Id, error.Severity));
        Assert.True(error.Location.IsInSource);
        GeneratorHarness.AssertClean(output);
    }

    [Fact]
    public void Descriptors_HaveStableIdsAndHelpLinks()
    {
        var analyzer = new Velithon.Generators.Diagnostics.VelithonEndpointAnalyzer();
        var ids = analyzer.SupportedDiagnostics.Select(d => d.Id).ToList();
        Assert.Equal(Enumerable.Range(1, 31).Concat(Enumerable.Range(39, 12)).Concat(Enumerable.Range(55, 2)).Select(i => $"VLT{i:D4}"), ids);
        Assert.All(analyzer.SupportedDiagnostics, d =>
        {
            Assert.Equal("Velithon", d.Category);
            Assert.EndsWith($"docs/diagnostics/{d.Id}.md", d.HelpLinkUri, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(RepositoryRoot(), "docs", "diagnostics", d.Id + ".md")), $"docs/diagnostics/{d.Id}.md is missing");
        });
    }

    [Fact]
    public void AttributeMetadataName_MatchesTheAbstractions()
    {
        Assert.Equal(KnownTypeNames.WebSocketAttribute, typeof(WebSocketAttribute).FullName);
        Assert.Equal(KnownTypeNames.WebSocket, typeof(WebSocket).FullName);
        Assert.Equal(KnownTypeNames.WebSocketCompressionAttribute, typeof(WebSocketCompressionAttribute).FullName);
        Assert.Equal(KnownTypeNames.MaxMessageSizeAttribute, typeof(MaxMessageSizeAttribute).FullName);
        Assert.Equal(KnownTypeNames.IdleTimeoutAttribute, typeof(IdleTimeoutAttribute).FullName);
        Assert.Equal(KnownTypeNames.KeepAliveAttribute, typeof(KeepAliveAttribute).FullName);
        Assert.Equal(KnownTypeNames.SendTimeoutAttribute, typeof(SendTimeoutAttribute).FullName);
        Assert.Equal(KnownTypeNames.BroadcastQueueAttribute, typeof(BroadcastQueueAttribute).FullName);
        Assert.Equal(KnownTypeNames.MessageRateLimitAttribute, typeof(MessageRateLimitAttribute).FullName);
        Assert.Equal(KnownTypeNames.AllowedOriginsAttribute, typeof(AllowedOriginsAttribute).FullName);
        Assert.Equal(KnownTypeNames.MaxConnectionsAttribute, typeof(MaxConnectionsAttribute).FullName);
        Assert.Equal(KnownTypeNames.WebSocketContractAttribute, typeof(WebSocketContractAttribute).FullName);
        Assert.Equal(KnownTypeNames.WebSocketRequest, typeof(IWebSocketRequest<>).FullName);
        Assert.Equal(KnownTypeNames.ContractSocket, typeof(ContractSocket).FullName);
        Assert.Equal(KnownTypeNames.InvalidMessagesAttribute, typeof(InvalidMessagesAttribute).FullName);
        Assert.Equal(KnownTypeNames.OnMessageAttribute, typeof(OnMessageAttribute).FullName);
        Assert.Equal(KnownTypeNames.JsonDerivedTypeAttribute, typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute).FullName);
        Assert.Equal(KnownTypeNames.ValidationAttribute, typeof(System.ComponentModel.DataAnnotations.ValidationAttribute).FullName);
        Assert.Equal(KnownTypeNames.ValidatableObject, typeof(System.ComponentModel.DataAnnotations.IValidatableObject).FullName);
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}
