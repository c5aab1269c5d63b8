using System.Globalization;

namespace Velithon.Generators.Tests;

/// <summary>The request types minimal APIs bind: the handshake's request and response bind, the body's types are refused.</summary>
public sealed class RequestParameterTests
{
    [Fact]
    public async Task HttpRequestAndHttpResponse_BindAndCompile()
    {
        const string source = """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws, HttpRequest request, HttpResponse response) => Task.CompletedTask;
            }

            [WebSocket("/b")]
            public sealed class RequestEndpoint(HttpRequest request) : WebSocketEndpoint
            {
                public HttpRequest Request { get; } = request;
            }
            """;
        await DiagnosticMarkup.VerifyAsync(source);

        var (_, output, result) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(SnapshotTests.Usings + source));
        GeneratorHarness.AssertClean(output);
        string generated = result.GeneratedSources.Single(s => s.HintName == "Velithon.Handlers.Handlers_Handle.g.cs").SourceText.ToString();
        Assert.Contains("global::Handlers.Handle(socket, httpContext.Request, httpContext.Response)", generated, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyTypes_ReportVLT0012()
    {
        var diagnostics = await DiagnosticMarkup.VerifyAsync("""
            public static class Handlers
            {
                [WebSocket("/a")]
                public static Task Handle(WebSocket ws, System.IO.Stream {|VLT0012:body|}, System.IO.Pipelines.PipeReader {|VLT0012:reader|},
                    IFormFile {|VLT0012:file|}, IFormFileCollection {|VLT0012:files|}, IFormCollection? {|VLT0012:form|}) => Task.CompletedTask;
            }
            """);
        Assert.Equal(
            "The parameter 'body' is not supported: a WebSocket handshake has no request body, so 'System.IO.Stream' has nothing to bind to; receive the data as messages after accepting",
            diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
    }
}
