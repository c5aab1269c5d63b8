using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Tests;

/// <summary>Routes declared but never mapped (VLT0025), and MapVelithon() where there is nothing to map (VLT0026).</summary>
public sealed class MappingDiagnosticTests
{
    private const string Handlers = """
        public static class Chat
        {
            [WebSocket("/chat/<roomId>")]
            public static Task Room(WebSocket ws, string roomId) => Task.CompletedTask;
        }
        """;

    [Fact]
    public async Task AppThatRegistersVelithonButNeverMaps_ReportsVLT0025AtAddVelithon()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder(args);
            {|VLT0025:builder.Services.AddVelithon()|};
            var app = builder.Build();
            app.Run();

            """ + Handlers, OutputKind.ConsoleApplication, DiagnosticSeverity.Warning);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(
            "This assembly declares a [WebSocket] route, but nothing calls app.MapVelithon(), so every WebSocket request gets 404; call app.MapVelithon() after builder.Build()",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ExecutableWithoutAddVelithon_ReportsVLT0025AtTheFirstRoute()
    {
        await DiagnosticMarkup.VerifyAsync("""
            Console.WriteLine();

            public static class Chat
            {
                [{|VLT0025:WebSocket("/chat/<roomId>")|}]
                public static Task Room(WebSocket ws, string roomId) => Task.CompletedTask;

                [WebSocket("/echo")]
                public static Task Echo(WebSocket ws) => Task.CompletedTask;
            }
            """, OutputKind.ConsoleApplication, DiagnosticSeverity.Warning);
    }

    [Fact]
    public async Task AppWhoseRoutesAllComeFromAReferencedProject_ReportsVLT0025AtAddVelithon()
    {
        var diagnostics = await AnalyzeAppReferencingRoutesAsync("""
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder(args);
            builder.Services.AddVelithon();
            var app = builder.Build();
            app.Run();
            """);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(("VLT0025", DiagnosticSeverity.Warning), (diagnostic.Id, diagnostic.Severity));
        Assert.Equal("builder.Services.AddVelithon()", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal(
            "The referenced assembly ChatRoutes declares 2 [WebSocket] routes, but nothing calls app.MapVelithon(), so every WebSocket request gets 404; call app.MapVelithon() after builder.Build()",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AppThatMapsTheRoutesOfAReferencedProject_ReportsNothing()
    {
        Assert.Empty(await AnalyzeAppReferencingRoutesAsync("""
            using Microsoft.AspNetCore.Builder;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddVelithon();
            var app = builder.Build();
            app.MapVelithon();
            app.Run();
            """));
    }

    [Fact]
    public async Task AppThatMaps_ReportsNothing()
    {
        await DiagnosticMarkup.VerifyAsync("""
            using Microsoft.AspNetCore.Builder;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddVelithon();
            var app = builder.Build();
            app.MapVelithon();
            app.Run();

            """ + Handlers, OutputKind.ConsoleApplication, DiagnosticSeverity.Warning);
    }

    [Fact]
    public async Task LibraryThatDeclaresRoutesForAnAppToMap_ReportsNothing()
    {
        await DiagnosticMarkup.VerifyAsync(Handlers);
    }

    [Fact]
    public async Task MapVelithonWithNoRoutes_ReportsVLT0026AtTheCall()
    {
        // The shape of docs/testing.md's first example in a test project that declares no handlers itself.
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            using Microsoft.AspNetCore.Builder;

            public static class Tests
            {
                public static void Configure(Microsoft.AspNetCore.Builder.WebApplication app) => {|VLT0026:app.MapVelithon()|};
            }
            """, OutputKind.DynamicallyLinkedLibrary, DiagnosticSeverity.Warning);
        Assert.Equal(
            "MapVelithon() maps the [WebSocket] routes of this assembly and of the assemblies it references, and there are none, so every WebSocket request gets 404; declare handlers here, or reference the project that declares them (from a test project, a ProjectReference to the application)",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    /// <summary>An application with no handlers of its own that references a library declaring two.</summary>
    private static async Task<IReadOnlyList<Diagnostic>> AnalyzeAppReferencingRoutesAsync(string program)
    {
        var library = GeneratorHarness.CreateCompilation(SnapshotTests.Usings + Handlers + """

            public static class Echo
            {
                [WebSocket("/echo")]
                public static Task Run(WebSocket ws) => Task.CompletedTask;
            }
            """).WithAssemblyName("ChatRoutes");
        var (_, libraryOutput, _) = GeneratorHarness.Run(library);
        var image = CompiledAssemblies.Emit(libraryOutput);

        var app = GeneratorHarness.CreateCompilation(OutputKind.ConsoleApplication, SnapshotTests.Usings + program)
            .WithAssemblyName("ChatHost")
            .AddReferences(MetadataReference.CreateFromImage(image));
        var (_, output, _) = GeneratorHarness.Run(app);
        GeneratorHarness.AssertClean(output);
        return await GeneratorHarness.AnalyzeAsync(output);
    }
}
