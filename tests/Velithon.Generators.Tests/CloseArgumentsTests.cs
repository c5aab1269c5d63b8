using Velithon.Generators.Analyzers;

namespace Velithon.Generators.Tests;

/// <summary>VLT0032 and VLT0033: constant close codes and reasons that a close frame cannot carry.</summary>
public sealed class CloseArgumentsTests
{
    [Theory]
    [InlineData("999")]
    [InlineData("1004")]
    [InlineData("WebSocketCloseCode.NoStatusReceived")]
    [InlineData("WebSocketCloseCode.AbnormalClosure")]
    [InlineData("WebSocketCloseCode.TlsHandshake")]
    [InlineData("1016")]
    [InlineData("2999")]
    [InlineData("5000")]
    public async Task ForbiddenCode_ReportsVLT0032AtTheArgument(string code)
    {
        await ProtocolMarkup.VerifyAsync(new CloseArgumentsAnalyzer(), $$"""
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.CloseAsync({|VLT0032:{{code}}|}, "bye");
                }

                [WebSocket("/b")]
                public static Task Refuse(WebSocket ws) => throw new WebSocketCloseException(code: {|VLT0032:{{code}}|});
            }
            """);
    }

    [Fact]
    public async Task ForbiddenCode_MessageSaysWhyAndWhatInstead()
    {
        var diagnostics = await ProtocolMarkup.VerifyAsync(new CloseArgumentsAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws) => await ws.CloseAsync({|VLT0032:1006|});
            }
            """);
        Assert.Equal(
            "The close code 1006 means that the connection dropped without a close frame, and must never be sent in one, so the close throws ArgumentOutOfRangeException at run time; use 1000-1003, 1007-1014, or 3000-4999 for your own codes (RFC 6455 section 7.4); here WebSocketCloseCode.InternalError (1011) says the server could not go on",
            ProtocolMarkup.Message(Assert.Single(diagnostics)));
    }

    [Fact]
    public async Task SendableOrNonConstantCodes_ReportNothing()
    {
        await ProtocolMarkup.VerifyAsync(new CloseArgumentsAnalyzer(), """
            public static class Handlers
            {
                [WebSocket("/a/<code>")]
                public static async Task Handle(WebSocket ws, int code)
                {
                    await ws.CloseAsync();
                    await ws.CloseAsync(1000);
                    await ws.CloseAsync(WebSocketCloseCode.InternalError, reason: null);
                    await ws.CloseAsync(1014, "the upstream gateway failed");
                    await ws.CloseAsync(3000);
                    await ws.CloseAsync(4999, new string('x', 500).Substring(0, 10));
                    await ws.CloseAsync(code);
                    throw new WebSocketCloseException(4004, "No such room");
                }
            }
            """);
    }

    [Fact]
    public async Task ReasonOver123Bytes_ReportsVLT0033AtTheArgument()
    {
        // 62 two-byte characters: 124 UTF-8 bytes for 62 chars, under any character count limit but over the frame's.
        string reason = new('é', 62);
        var diagnostics = await ProtocolMarkup.VerifyAsync(new CloseArgumentsAnalyzer(), $$"""
            public static class Handlers
            {
                private const string Reason = "{{reason}}";

                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.CloseAsync(1008, {|VLT0033:Reason|});
                    throw new WebSocketCloseException(4000, reason: {|VLT0033:"{{new string('a', 124)}}"|});
                }
            }
            """);
        Assert.Equal(
            "The close reason is 124 UTF-8 bytes, but a close frame carries at most 123 (RFC 6455 section 5.5), so the close throws ArgumentException at run time; shorten it",
            ProtocolMarkup.Message(diagnostics[0]));
    }

    [Fact]
    public async Task ReasonOf123Bytes_ReportsNothing()
    {
        await ProtocolMarkup.VerifyAsync(new CloseArgumentsAnalyzer(), $$"""
            public static class Handlers
            {
                [WebSocket("/a")]
                public static async Task Handle(WebSocket ws)
                {
                    await ws.CloseAsync(1008, "{{new string('a', 123)}}");
                    throw new WebSocketCloseException(4000, "{{new string('é', 61)}}a");
                }
            }
            """);
    }
}
