using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Tests;

/// <summary>
/// A test project that references an application maps the application's routes with the documented
/// <c>VelithonTestServer.StartAsync(app =&gt; app.MapVelithon())</c>: the application's assembly names its
/// public route table, and the test project's generated <c>MapVelithon()</c> maps it. Both projects are
/// compiled with the generator, emitted, loaded and run.
/// </summary>
public sealed class CrossAssemblyTests
{
    // The application: a chat room that relays each message to the room's other members.
    private const string Application = SnapshotTests.Usings + """
        using System.Collections.Concurrent;
        using System.Linq;

        namespace ChatApp;

        public interface IRoomRegistry
        {
            void Join(string room, WebSocket ws);
            void Leave(string room, WebSocket ws);
            WebSocket[] Members(string room);
        }

        public sealed class RoomRegistry : IRoomRegistry
        {
            private readonly ConcurrentDictionary<string, ConcurrentDictionary<WebSocket, bool>> _rooms = new();

            public void Join(string room, WebSocket ws) => _rooms.GetOrAdd(room, _ => new())[ws] = true;

            public void Leave(string room, WebSocket ws) => _rooms.GetOrAdd(room, _ => new()).TryRemove(ws, out _);

            public WebSocket[] Members(string room) => _rooms.GetOrAdd(room, _ => new()).Keys.ToArray();
        }

        public static class Chat
        {
            [WebSocket("/chat/<roomId>")]
            public static async Task Room(WebSocket ws, string roomId, [FromQuery] string name, IRoomRegistry rooms)
            {
                // Joined before the handshake completes: a client whose connect returned is a member.
                rooms.Join(roomId, ws);
                try
                {
                    await ws.AcceptAsync();
                    while (true)
                    {
                        string text = await ws.ReceiveTextAsync();
                        foreach (var member in rooms.Members(roomId).Where(m => m != ws))
                        {
                            await member.SendTextAsync($"{name}: {text}");
                        }
                    }
                }
                catch (WebSocketDisconnectException)
                {
                }
                finally
                {
                    rooms.Leave(roomId, ws);
                }
            }
        }
        """;

    // docs/testing.md's first example, in a test project that declares no handlers of its own.
    private const string TestProject = SnapshotTests.Usings + """
        using Microsoft.AspNetCore.Builder;
        using Velithon.Testing;
        using ChatApp;

        namespace ChatApp.Tests;

        public static class ChatTests
        {
            public static async Task<string> Room_RelaysMessages()
            {
                await using var server = await VelithonTestServer.StartAsync(
                    app => app.MapVelithon(),
                    builder => builder.Services.AddSingleton<IRoomRegistry, RoomRegistry>());

                await using var ann = await server.Client.ConnectAsync("/chat/lobby?name=ann");
                await using var bob = await server.Client.ConnectAsync("/chat/lobby?name=bob");

                await ann.SendTextAsync("hi");
                return await bob.ReceiveTextAsync();
            }
        }
        """;

    [Fact]
    public async Task TestProjectMapVelithon_MapsTheReferencedApplicationsRoutes()
    {
        var context = new CompiledAssemblies();
        try
        {
            var (application, testProject, generated) = Compile();
            context.Add("ChatApp", application);
            context.Add("ChatApp.Tests", testProject);

            Assert.Contains("global::Velithon.Generated.VelithonRouteTable_ChatApp.Map(routes); // ChatApp: 1 route", generated, StringComparison.Ordinal);
            Assert.Contains("/// <item><c>/chat/&lt;roomId&gt;</c>: <c>ChatApp.Chat.Room</c> (from ChatApp)</item>", generated, StringComparison.Ordinal);
            var relayed = await CompiledAssemblies.InvokeAsync(context.LoadImage("ChatApp.Tests"), "ChatApp.Tests.ChatTests", "Room_RelaysMessages");
            Assert.Equal("ann: hi", relayed);
        }
        finally
        {
            context.Unload();
        }
    }

    // The application lets its test project see its internal types, as many applications do.
    private const string InternalsVisibleToTests = """
        [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ChatApp.Tests")]
        """;

    // A handler of the test project's own, beside the application's (a test double, for example).
    private const string TestProjectRoute = SnapshotTests.Usings + """
        using Microsoft.AspNetCore.Builder;
        using Velithon.Testing;

        namespace ChatApp.Tests;

        public static class Echo
        {
            [WebSocket("/echo")]
            public static async Task Run(WebSocket ws)
            {
                await ws.AcceptAsync();
                await ws.SendTextAsync(await ws.ReceiveTextAsync());
            }
        }

        public static class EchoTests
        {
            public static async Task<string> EchoAndRoom()
            {
                await using var server = await VelithonTestServer.StartAsync(
                    app => app.MapVelithon(),
                    builder => builder.Services.AddSingleton<IRoomRegistry, RoomRegistry>());

                await using var echo = await server.Client.ConnectAsync("/echo");
                await echo.SendTextAsync("ping");
                string echoed = await echo.ReceiveTextAsync();

                await using var ann = await server.Client.ConnectAsync("/chat/lobby?name=ann");
                await using var bob = await server.Client.ConnectAsync("/chat/lobby?name=bob");
                await ann.SendTextAsync("hi");
                return echoed + " " + await bob.ReceiveTextAsync();
            }
        }
        """;

    [Fact]
    public async Task ApplicationWithInternalsVisibleTo_TestProjectMapVelithonCompilesAndMapsTheApplicationsRoutes()
    {
        // Both assemblies generate an internal MapVelithon(); with InternalsVisibleTo the test project sees the
        // application's too, and a call must still bind to exactly one (CS0121 otherwise).
        var context = new CompiledAssemblies();
        try
        {
            var (application, testProject, _) = Compile(InternalsVisibleToTests);
            context.Add("ChatApp", application);
            context.Add("ChatApp.Tests", testProject);
            var relayed = await CompiledAssemblies.InvokeAsync(context.LoadImage("ChatApp.Tests"), "ChatApp.Tests.ChatTests", "Room_RelaysMessages");
            Assert.Equal("ann: hi", relayed);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public async Task ApplicationWithInternalsVisibleTo_TestProjectWithItsOwnRoutes_MapVelithonMapsBoth()
    {
        var context = new CompiledAssemblies();
        try
        {
            var (application, testProject, _) = Compile(InternalsVisibleToTests, TestProjectRoute);
            context.Add("ChatApp", application);
            context.Add("ChatApp.Tests", testProject);
            var result = await CompiledAssemblies.InvokeAsync(context.LoadImage("ChatApp.Tests"), "ChatApp.Tests.EchoTests", "EchoAndRoom");
            Assert.Equal("ping ann: hi", result);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public async Task TestProjectWithoutTheApplication_FailsTheStartSayingWhatToDo()
    {
        // The test project alone: its MapVelithon() has nothing to map.
        var compilation = GeneratorHarness.CreateCompilation(
            TestProject,
            """
            namespace ChatApp
            {
                public interface IRoomRegistry { }
                public sealed class RoomRegistry : IRoomRegistry { }
            }
            """).WithAssemblyName("Lonely.Tests");
        var (_, output, _) = GeneratorHarness.Run(compilation);
        GeneratorHarness.AssertClean(output);
        var context = new CompiledAssemblies();
        try
        {
            context.Add("Lonely.Tests", CompiledAssemblies.Emit(output));
            var error = await Assert.ThrowsAsync<InvalidOperationException>(
                () => CompiledAssemblies.InvokeAsync(context.LoadImage("Lonely.Tests"), "ChatApp.Tests.ChatTests", "Room_RelaysMessages"));
            Assert.Equal(
                "The test server maps no WebSocket routes, so every connect would get 404. configureApp must map them: app => app.MapVelithon() maps the [WebSocket] handlers "
                + "of the test project and of every project it references, so add a ProjectReference to the project that declares the handlers "
                + "(it must build with the Velithon package), or declare the handlers in the test project.",
                error.Message);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public async Task RouteThatClashesWithAReferencedAssemblysRoute_ReportsVLT0027()
    {
        var application = MetadataReference.CreateFromImage(Compile().Application);
        var compilation = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + """
            public static class Mine
            {
                [WebSocket("/Chat/{id:int}")]
                public static Task Room(WebSocket ws, int id) => Task.CompletedTask;

                [WebSocket("/chat/<roomId>/more")]
                public static Task Other(WebSocket ws, string roomId) => Task.CompletedTask;
            }
            """).AddReferences(application);
        var (generated, output, _) = GeneratorHarness.RunWithDiagnostics(compilation);
        var diagnostic = Assert.Single(await GeneratorHarness.AnalyzeAsync(output));

        // The generator reports it too, equal to the analyzer's, so the build fails with RunAnalyzers=false.
        Assert.Equal(diagnostic, Assert.Single(generated));
        Assert.Equal(("VLT0027", DiagnosticSeverity.Error), (diagnostic.Id, diagnostic.Severity));
        Assert.Equal("\"/Chat/{id:int}\"", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal(
            "The route '/Chat/{id:int}' of Mine.Room matches the same paths as '/chat/<roomId>' of ChatApp.Chat.Room in the referenced assembly ChatApp, and MapVelithon() maps both; change one of the templates",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task HandlersWhoseGeneratedNamesMatch_InAnApplicationAndItsTestProject_BuildUnderWarningsAsErrors()
    {
        // Chat.Lobby_V2.Join and Chat.Lobby.V2.Join flatten to the same identifier. Each assembly's generated types
        // are its own, and with InternalsVisibleTo the test project sees the application's: a clash would be CS0436.
        var application = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + """
            [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Chat.Tests")]

            namespace Chat;

            public static class Lobby_V2
            {
                [WebSocket("/v2/lobby")]
                public static async Task Join(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    await ws.SendTextAsync("application");
                }
            }
            """).WithAssemblyName("Chat");
        var (_, applicationOutput, _) = GeneratorHarness.Run(WarningsAsErrors(application));
        GeneratorHarness.AssertClean(applicationOutput);
        var applicationImage = CompiledAssemblies.Emit(applicationOutput);

        var testProject = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + """
            using Microsoft.AspNetCore.Builder;
            using Velithon.Testing;

            namespace Chat.Lobby;

            public static class V2
            {
                [WebSocket("/test/lobby")]
                public static async Task Join(WebSocket ws)
                {
                    await ws.AcceptAsync();
                    await ws.SendTextAsync("test double");
                }

                public static async Task<string> BothRoutes()
                {
                    await using var server = await VelithonTestServer.StartAsync(app => app.MapVelithon());
                    await using var application = await server.Client.ConnectAsync("/v2/lobby");
                    await using var testDouble = await server.Client.ConnectAsync("/test/lobby");
                    return await application.ReceiveTextAsync() + ", " + await testDouble.ReceiveTextAsync();
                }
            }
            """)
            .WithAssemblyName("Chat.Tests")
            .AddReferences(MetadataReference.CreateFromImage(applicationImage));
        var (_, testOutput, _) = GeneratorHarness.Run(WarningsAsErrors(testProject));
        GeneratorHarness.AssertClean(testOutput);

        var context = new CompiledAssemblies();
        try
        {
            context.Add("Chat", applicationImage);
            context.Add("Chat.Tests", CompiledAssemblies.Emit(testOutput));
            Assert.Equal("application, test double", await CompiledAssemblies.InvokeAsync(context.LoadImage("Chat.Tests"), "Chat.Lobby.V2", "BothRoutes"));
        }
        finally
        {
            context.Unload();
        }
    }

    // Libraries whose one route is resumable: by the attribute on its endpoint class, or on the class of its static
    // handlers. The application that maps it declares no route of its own and registers no Data Protection: the
    // library's route table enables the in-memory keys of its tokens.
    private const string ResumableEndpointClass = SnapshotTests.Usings + """
        namespace FeedLib;

        [WebSocket("/feed")]
        [ResumableSession]
        public sealed class FeedEndpoint : WebSocketEndpoint
        {
            public override async ValueTask OnConnectCompleteAsync(WebSocket ws) => await ws.SendTextAsync("hello");
        }
        """;

    private const string ResumableClassOfStaticHandlers = SnapshotTests.Usings + """
        namespace FeedLib;

        [ResumableSession]
        public static class Feeds
        {
            [WebSocket("/feed")]
            public static async Task Feed(WebSocket ws)
            {
                await ws.AcceptAsync();
                await ws.SendTextAsync("hello");
                await ws.ReceiveTextAsync();
            }
        }
        """;

    private const string ResumableLibraryApplication = SnapshotTests.Usings + """
        using Microsoft.AspNetCore.Builder;
        using Velithon.Testing;

        namespace FeedApp;

        public static class FeedTests
        {
            public static async Task<string> OpenSession()
            {
                await using var server = await VelithonTestServer.StartAsync(app => app.MapVelithon());
                await using var socket = await server.Client.ConnectAsync("/feed", options => options.SubProtocols.Add("velithon.resume.v1"));
                string token = await socket.ReceiveTextAsync();
                return $"{socket.SubProtocol} {token[0]} {await socket.ReceiveTextAsync()}";
            }
        }
        """;

    [Theory]
    [InlineData(ResumableEndpointClass)]
    [InlineData(ResumableClassOfStaticHandlers)]
    public async Task AReferencedLibrarysResumableRoute_InAnApplicationWithoutAny_OpensSessionsWithInMemoryKeys(string librarySource)
    {
        var (_, libraryOutput, libraryResult) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(librarySource).WithAssemblyName("FeedLib"));
        GeneratorHarness.AssertClean(libraryOutput);
        string table = libraryResult.GeneratedSources.Single(s => s.HintName == "Velithon.RouteTable.g.cs").SourceText.ToString();
        Assert.Contains("global::Velithon.Routing.WebSocketRouteBuilderExtensions.EnableResumableSessions(routes);", table, StringComparison.Ordinal);
        var library = CompiledAssemblies.Emit(libraryOutput);

        var (_, applicationOutput, applicationResult) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(ResumableLibraryApplication)
            .WithAssemblyName("FeedApp")
            .AddReferences(MetadataReference.CreateFromImage(library)));
        GeneratorHarness.AssertClean(applicationOutput);
        Assert.DoesNotContain(applicationResult.GeneratedSources, s => s.SourceText.ToString().Contains("EnableResumableSessions", StringComparison.Ordinal));

        var context = new CompiledAssemblies();
        try
        {
            context.Add("FeedLib", library);
            context.Add("FeedApp", CompiledAssemblies.Emit(applicationOutput));
            var result = await CompiledAssemblies.InvokeAsync(context.LoadImage("FeedApp"), "FeedApp.FeedTests", "OpenSession");
            Assert.Equal("velithon.resume.v1 T Dhello", result);
        }
        finally
        {
            context.Unload();
        }
    }

    private static Compilation WarningsAsErrors(Compilation compilation) =>
        compilation.WithOptions(compilation.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Error));

    private static (byte[] Application, byte[] TestProject, string GeneratedMapVelithon) Compile(
        string? applicationAttributes = null, string? testProjectRoutes = null)
    {
        string[] applicationSources = applicationAttributes is null ? [Application] : [Application, applicationAttributes];
        var (_, applicationOutput, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(applicationSources).WithAssemblyName("ChatApp"));
        GeneratorHarness.AssertClean(applicationOutput);
        var application = CompiledAssemblies.Emit(applicationOutput);

        string[] testSources = testProjectRoutes is null ? [TestProject] : [TestProject, testProjectRoutes];
        var testCompilation = GeneratorHarness.CreateCompilation(testSources)
            .WithAssemblyName("ChatApp.Tests")
            .AddReferences(MetadataReference.CreateFromImage(application));
        var (_, testOutput, result) = GeneratorHarness.Run(testCompilation);
        GeneratorHarness.AssertClean(testOutput);
        string generated = result.GeneratedSources.Single(s => s.HintName == "Velithon.Routes.g.cs").SourceText.ToString();
        return (application, CompiledAssemblies.Emit(testOutput), generated);
    }
}
