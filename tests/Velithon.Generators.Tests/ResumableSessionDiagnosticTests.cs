using System.Globalization;
using Microsoft.CodeAnalysis;
using Velithon.Generators.Tests.Contracts;

namespace Velithon.Generators.Tests;

/// <summary>
/// <c>[ResumableSession]</c> is checked at build: a window or buffer size the runtime cannot use is VLT0055 at the
/// argument, on a handler or on the class of static handlers; a contract route is VLT0056 at the attribute. Either
/// leaves the handler out, with the analyzer off too.
/// </summary>
public sealed class ResumableSessionDiagnosticTests
{
    [Fact]
    public async Task ValuesOutOfRange_ReportVLT0055_AtTheArgument()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            [ResumableSession({|VLT0055:WindowSeconds = 0|})]
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }

            public static class More
            {
                [ResumableSession({|VLT0055:WindowSeconds = 3601|}, {|VLT0055:MaxBufferedMessages = 0|})]
                [WebSocket("/b")]
                public static Task B(WebSocket ws) => Task.CompletedTask;
            }

            [WebSocket("/c")]
            [ResumableSession({|VLT0055:MaxBufferedMessages = 65537|})]
            public sealed class C : WebSocketEndpoint;
            """);
        Assert.Equal(
            "[ResumableSession] WindowSeconds is 0; it must be from 1 to 3600 (seconds a dropped session waits for its client)",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(
            "[ResumableSession] MaxBufferedMessages is 65537; it must be from 1 to 65536 (messages kept for a replay)",
            diagnostics[3].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(4, diagnostics.Count);
    }

    [Fact]
    public async Task UsableValues_ReportNothing_AndTheAttributeReachesTheEndpointMetadata()
    {
        const string source = """
            [ResumableSession(WindowSeconds = 1, MaxBufferedMessages = 65536)]
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;

                [ResumableSession]
                [WebSocket("/b")]
                public static Task B(WebSocket ws) => Task.CompletedTask;
            }

            [WebSocket("/c")]
            [ResumableSession(WindowSeconds = 3600, MaxBufferedMessages = 1)]
            public sealed class C : WebSocketEndpoint;
            """;
        Assert.Empty(await DiagnosticMarkup.VerifyAsync(source));

        var (generated, _, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + source));
        Assert.Empty(generated);
        string routes = string.Concat(result.GeneratedSources.Select(s => s.SourceText.ToString()));
        Assert.Contains("new global::Velithon.ResumableSessionAttribute() { WindowSeconds = 1, MaxBufferedMessages = 65536 }", routes, StringComparison.Ordinal);
        Assert.Contains("new global::Velithon.ResumableSessionAttribute() { WindowSeconds = 3600, MaxBufferedMessages = 1 }", routes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContractRoutes_ReportVLT0056_AtTheAttribute()
    {
        string endpoint = ContractSources.Endpoint.Replace(
            "[WebSocket(\"/board/<boardId>\")]", "[WebSocket(\"/board/<boardId>\")]\n[{|VLT0056:ResumableSession|}]", StringComparison.Ordinal);
        string staticRoute = ContractSources.StaticRoute.Replace(
            "[WebSocket(\"/board2/<boardId>\")]", "[{|VLT0056:ResumableSession(WindowSeconds = 10)|}]\n    [WebSocket(\"/board2/<boardId>\")]", StringComparison.Ordinal);
        var diagnostics = await DiagnosticMarkup.VerifyAsync(
            ContractDeclarationDiagnosticTests.Prelude + ContractSources.Messages + ContractSources.Socket + endpoint + staticRoute);
        Assert.Equal(
            "'BoardEndpoint' speaks a contract, and a connection has one subprotocol: its contract's or the resumable session's; remove [ResumableSession]",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(2, diagnostics.Count);
    }

    [Fact]
    public void OutOfRangeValue_LeavesTheHandlerOut_WithTheAnalyzerOff()
    {
        var (generated, _, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + """
            public static class Handlers
            {
                [ResumableSession(WindowSeconds = -1)]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }
            """));
        Assert.Equal(("VLT0055", DiagnosticSeverity.Error), (Assert.Single(generated).Id, generated[0].Severity));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains("Handlers_A", StringComparison.Ordinal));
    }
}
