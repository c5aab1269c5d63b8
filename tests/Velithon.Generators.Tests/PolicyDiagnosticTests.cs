using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Velithon.Generators.Tests;

/// <summary>
/// The per-route policy attributes' constants are checked at build: a value the runtime cannot use is VLT0030 at the
/// argument (and the handler is left out, as for every error), a value that weakens a safe default without a
/// <c>Reason</c> is VLT0031 at the attribute (the handler is served). A class's policy attributes apply to each of
/// its static handlers, the handler's own winning.
/// </summary>
public sealed class PolicyDiagnosticTests
{
    [Fact]
    public async Task ValuesTheRuntimeCannotUse_ReportVLT0030_AtTheArgument()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [MaxMessageSize({|VLT0030:0|})]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;

                [IdleTimeout({|VLT0030:-1|})]
                [SendTimeout({|VLT0030:milliseconds: -5|})]
                [WebSocket("/b")]
                public static Task B(WebSocket ws) => Task.CompletedTask;

                [KeepAlive({|VLT0030:-1|}, {|VLT0030:TimeoutMilliseconds = -2|})]
                [WebSocket("/c")]
                public static Task C(WebSocket ws) => Task.CompletedTask;

                [BroadcastQueue({|VLT0030:0|}, SlowConsumerPolicy.DropMessage)]
                [MaxConnections({|VLT0030:0|})]
                [WebSocket("/d")]
                public static Task D(WebSocket ws) => Task.CompletedTask;

                [MessageRateLimit({|VLT0030:0|}, {|VLT0030:0|}, {|VLT0030:0|})]
                [WebSocket("/e")]
                public static Task E(WebSocket ws) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The argument 'bytes' of [MaxMessageSize] is 0, which the runtime cannot use; it must be at least 1 (a message size in bytes)",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(
            "The argument 'milliseconds' of [SendTimeout] is -5, which the runtime cannot use; it must be at least 0 (milliseconds, or 0 for no send timeout)",
            diagnostics[2].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(
            "The property 'TimeoutMilliseconds' of [KeepAlive] is -2, which the runtime cannot use; it must be at least -1 (milliseconds, 0 for no deadline, or -1 to keep the options' timeout)",
            diagnostics[4].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(
            "The argument 'replenishmentPeriodMilliseconds' of [MessageRateLimit] is 0, which the runtime cannot use; it must be at least 1 (the replenishment period is at least 1 millisecond)",
            diagnostics[9].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(10, diagnostics.Count);
    }

    [Fact]
    public async Task MalformedOrigins_ReportVLT0030_AtEachEntry()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [AllowedOrigins("https://app.example", "https://app.example/", {|VLT0030:"ws://app.example"|}, {|VLT0030:"https://app.example/chat"|},
                    {|VLT0030:"https://app.example?x=1"|}, {|VLT0030:"https://app.example#top"|}, {|VLT0030:"https://user@app.example"|},
                    {|VLT0030:"app.example"|}, {|VLT0030:"https://app.example:99999"|}, {|VLT0030:"https://"|}, {|VLT0030:"null"|})]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The origin of [AllowedOrigins] is 'ws://app.example', which the runtime cannot use; its scheme is ws, which names the WebSocket URL, where an origin names the page that opens it, served over http or https: "
            + "write scheme://host[:port] with the scheme http or https, for example https://app.example, or \"*\" for any origin",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(9, diagnostics.Count);

        // The handler is left out of the route table with the analyzer off too.
        var (generated, _, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + DiagnosticMarkup.Strip("""
            public static class Handlers
            {
                [AllowedOrigins("https://app.example/chat")]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }
            """)));
        Assert.Equal(("VLT0030", DiagnosticSeverity.Error), (Assert.Single(generated).Id, generated[0].Severity));
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains("Handlers_A", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UsableValues_ReportNothing()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [MaxMessageSize(1)]
                [IdleTimeout(0)]
                [SendTimeout(1)]
                [KeepAlive(0, TimeoutMilliseconds = -1)]
                [BroadcastQueue(1)]
                [MessageRateLimit(1, 1, 1)]
                [MaxConnections(1)]
                [AllowedOrigins("https://app.example", "HTTP://App.Example:8080", "http://127.0.0.1:5000", "https://[::1]:443", "https://my_host.internal")]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;

                [MaxMessageSize(1048576)]
                [KeepAlive(15000, TimeoutMilliseconds = 0)]
                [WebSocket("/b")]
                public static Task B(WebSocket ws) => Task.CompletedTask;
            }
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task WeakeningWithoutReason_ReportsVLT0031_AtTheAttribute_AndTheRouteIsServed()
    {
        const string source = """
            public static class Handlers
            {
                [{|VLT0031:AllowedOrigins("https://app.example", "*")|}]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;

                [{|VLT0031:MaxMessageSize(1048577)|}]
                [WebSocket("/b")]
                public static Task B(WebSocket ws) => Task.CompletedTask;

                [{|VLT0031:SendTimeout(0, Reason = " ")|}]
                [WebSocket("/c")]
                public static Task C(WebSocket ws) => Task.CompletedTask;
            }
            """;
        var diagnostics = await DiagnosticMarkup.VerifyAsync(source, OutputKind.DynamicallyLinkedLibrary, DiagnosticSeverity.Warning);
        Assert.Equal(
            "[AllowedOrigins(\"*\")] lets pages of any site connect with their users' cookies (cross-site WebSocket hijacking, RFC 6455 section 10.2); "
            + "if that is meant, say why with Reason = \"...\" on the attribute",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(
            "[MaxMessageSize(1048577)] raises the message size limit above the default of 1048576 bytes (1 MiB), so one client can make the server buffer up to 1048577 bytes per message; "
            + "if that is meant, say why with Reason = \"...\" on the attribute",
            diagnostics[1].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(
            "[SendTimeout(0)] turns the send timeout off, so a client that stops reading holds a send, its buffers and its connection for ever; "
            + "if that is meant, say why with Reason = \"...\" on the attribute",
            diagnostics[2].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal(3, diagnostics.Count);

        var (_, _, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + DiagnosticMarkup.Strip(source)));
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Velithon.Handlers.Handlers_A.g.cs");
        Assert.Contains(result.GeneratedSources, s => s.HintName == "Velithon.Handlers.Handlers_C.g.cs");
    }

    [Fact]
    public async Task WeakeningWithReason_ReportsNothing()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [AllowedOrigins("*", Reason = "public read-only feed, no cookies")]
                [MaxMessageSize(4 * 1024 * 1024, Reason = "image uploads")]
                [SendTimeout(0, Reason = "clients on satellite links")]
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }
            """, OutputKind.DynamicallyLinkedLibrary, DiagnosticSeverity.Warning);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task ClassPolicyAttributes_AreCheckedAtTheClass()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            [MaxConnections({|VLT0030:-3|})]
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The argument 'limit' of [MaxConnections] is -3, which the runtime cannot use; it must be at least 1 (a route holds at least one connection; leave the attribute out for no limit of its own)",
            Assert.Single(diagnostics).GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ClassPolicyAttributes_ComeBeforeTheHandlersOwn_InEachHandlersMetadata()
    {
        var (generated, _, result) = GeneratorHarness.RunWithDiagnostics(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + """
            [MaxMessageSize(16)]
            [WebSocketCompression]
            [Obsolete("not a policy: stays on the class")]
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task A(WebSocket ws) => Task.CompletedTask;

                [MaxMessageSize(64)]
                [WebSocket("/b")]
                public static Task B(WebSocket ws) => Task.CompletedTask;
            }
            """));
        Assert.Empty(generated);
        string a = result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Handlers_A.g.cs").SourceText.ToString();
        string b = result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Handlers_B.g.cs").SourceText.ToString();
        Assert.Contains("new global::Velithon.MaxMessageSizeAttribute(16)", a, StringComparison.Ordinal);
        Assert.Contains("new global::Velithon.WebSocketCompressionAttribute()", a, StringComparison.Ordinal);
        Assert.DoesNotContain("Obsolete", a, StringComparison.Ordinal);
        int classLimit = b.IndexOf("new global::Velithon.MaxMessageSizeAttribute(16)", StringComparison.Ordinal);
        int ownLimit = b.IndexOf("new global::Velithon.MaxMessageSizeAttribute(64)", StringComparison.Ordinal);
        Assert.True(classLimit >= 0 && ownLimit > classLimit, b);
    }
}
