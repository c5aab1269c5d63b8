using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Velithon.Runtime.Tests;

/// <summary>
/// How a handler ends its connection on purpose (<see cref="WebSocketCloseException"/>, OnErrorAsync closing
/// itself) and how a crash is reported: exactly the chosen code and reason, Debug rather than Error, and an Error
/// line that says whether the crash closed with 1011 or refused with 500.
/// </summary>
public sealed class ErrorHandlingTests
{
    private static async Task<TestServer> StartAsync() =>
        await TestServer.StartAsync(configureBuilder: builder => builder.Logging.AddFilter("Velithon", LogLevel.Debug));

    [Fact]
    public async Task CloseExceptionAfterAccept_StaticHandler_ClosesWithItsCodeAndReason_LoggedAtDebug()
    {
        await using var server = await StartAsync();
        using var client = await Client.ConnectAsync(server.Url("/close-exception/after"));
        Assert.Equal("ready", await client.ReceiveTextAsync());
        await client.SendTextAsync("go");

        Assert.Equal(((WebSocketCloseStatus)4002, "bye now"), await client.ReceiveCloseAsync());
        await server.Logs.WaitForAsync(entry => entry.Message.StartsWith("WebSocket connection", StringComparison.Ordinal) && entry.Message.Contains("closed with 4002"));
        Assert.Contains("The WebSocket handler Velithon.Runtime.Tests.ErrorHandlers.CloseException threw WebSocketCloseException: the connection is closed with 4002 (bye now).",
            server.Logs.Messages(LogLevel.Debug));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task CloseExceptionBeforeAccept_StaticHandler_RefusesWith403AndTheReason()
    {
        await using var server = await StartAsync();
        var (status, body) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/close-exception/before"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("not allowed here", body);
        Assert.Contains("The WebSocket handler Velithon.Runtime.Tests.ErrorHandlers.CloseException threw WebSocketCloseException: the handshake is refused with HTTP 403 for 4001 (not allowed here).",
            server.Logs.Messages(LogLevel.Debug));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task CrashAfterRefusing_KeepsThe403_AndTheErrorLineSaysTheHandshakeHadEnded()
    {
        await using var server = await StartAsync();
        var (status, body) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/refuse-then-crash"));

        Assert.Equal((HttpStatusCode.Forbidden, "go away"), (status, body));
        await server.Logs.WaitForAsync(entry => entry.Level == LogLevel.Error);
        var error = Assert.Single(server.Logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Equal("The WebSocket handler Velithon.Runtime.Tests.ErrorHandlers.RefuseThenCrash threw an exception after its connection had ended with 4003.", error.Message);
    }

    [Fact]
    public async Task CrashAfterAccept_StaticHandler_Closes1011_AndTheErrorLineSaysSo()
    {
        await using var server = await StartAsync();
        using var client = await Client.ConnectAsync(server.Url("/crash/after"));
        Assert.Equal("ready", await client.ReceiveTextAsync());
        await client.SendTextAsync("go");

        Assert.Equal((WebSocketCloseStatus.InternalServerError, "Internal server error"), await client.ReceiveCloseAsync());
        var error = Assert.Single(server.Logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Equal("The WebSocket handler Velithon.Runtime.Tests.ErrorHandlers.Crash threw an exception after accepting; its connection is closed with 1011 (internal error).", error.Message);
        Assert.Equal("crashed after accept", error.Exception!.Message);
    }

    [Theory]
    [InlineData("value", "The response header 'X-Room' has a control character in its value (RFC 9110 section 5.5); a handshake response cannot carry it.")]
    [InlineData("name", "'X Room' is not a valid response header name: a name is an RFC 9110 token (section 5.1).")]
    [InlineData("handshake", "The response header 'Sec-WebSocket-Extensions' belongs to the WebSocket handshake itself; choose a subprotocol with AcceptAsync's subProtocol, and leave the rest to Velithon.")]
    public async Task AcceptWithAnInvalidHeader_Refuses500_WithOneErrorLine_AndNothingFromKestrel(string kind, string expected)
    {
        await using var server = await StartAsync();
        var (status, _) = await Client.HandshakeAsync(new Uri(server.HttpBase, $"/accept-header/{kind}"));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        var error = Assert.Single(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
        Assert.Equal("The WebSocket handler Velithon.Runtime.Tests.ErrorHandlers.AcceptWithBadHeader threw an exception before accepting; the handshake is refused with HTTP 500.", error.Message);
        var argument = Assert.IsType<ArgumentException>(error.Exception);
        Assert.StartsWith(expected, argument.Message);
    }

    [Fact]
    public async Task CrashBeforeAccept_StaticHandler_Refuses500_AndTheErrorLineSaysSo()
    {
        await using var server = await StartAsync();
        var (status, _) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/crash/before"));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        var error = Assert.Single(server.Logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Equal("The WebSocket handler Velithon.Runtime.Tests.ErrorHandlers.Crash threw an exception before accepting; the handshake is refused with HTTP 500.", error.Message);
        Assert.Equal("crashed before accept", error.Exception!.Message);
    }

    [Fact]
    public async Task CloseExceptionInReceive_Endpoint_ClosesWithItsCode_WithoutOnError()
    {
        await using var server = await StartAsync();
        var id = Guid.NewGuid().ToString();
        using var client = await Client.ConnectAsync(server.Url($"/errors/close-exception-receive?id={id}"));
        Assert.Equal("welcome", await client.ReceiveTextAsync());
        await client.SendTextAsync("x");

        Assert.Equal(((WebSocketCloseStatus)4004, "stop"), await client.ReceiveCloseAsync());
        Assert.Equal(["connect", "receive:x", "disconnect:4004:stop"], await server.Recorder.WaitForAsync(id, "disconnect:4004:stop"));
        Assert.Contains("The WebSocket handler Velithon.Runtime.Tests.ErrorEndpoint threw WebSocketCloseException: the connection is closed with 4004 (stop).",
            server.Logs.Messages(LogLevel.Debug));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task CloseExceptionInConnect_Endpoint_RefusesWith403AndTheReason()
    {
        await using var server = await StartAsync();
        var id = Guid.NewGuid().ToString();
        var (status, body) = await Client.HandshakeAsync(new Uri(server.HttpBase, $"/errors/close-exception-connect?id={id}"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("no entry", body);
        Assert.Equal(["connect"], server.Recorder.Snapshot(id));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData("handled", 4005, "could not handle bad input: x")]
    [InlineData("handled-throw", 4006, "closed from OnErrorAsync")]
    public async Task OnErrorAsyncThatCloses_ChoosesTheCloseCode_AndNothingIsLoggedAtError(string mode, int code, string reason)
    {
        await using var server = await StartAsync();
        var id = Guid.NewGuid().ToString();
        using var client = await Client.ConnectAsync(server.Url($"/errors/{mode}?id={id}"));
        Assert.Equal("welcome", await client.ReceiveTextAsync());
        await client.SendTextAsync("x");

        Assert.Equal(((WebSocketCloseStatus)code, reason), await client.ReceiveCloseAsync());
        Assert.Equal(["connect", "receive:x", "error:bad input: x", $"disconnect:{code}:{reason}"], await server.Recorder.WaitForAsync(id, $"disconnect:{code}:{reason}"));
        var handled = Assert.Single(server.Logs.Entries, entry => entry.Message.StartsWith("The WebSocket endpoint Velithon.Runtime.Tests.ErrorEndpoint threw", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, handled.Level);
        Assert.Equal($"The WebSocket endpoint Velithon.Runtime.Tests.ErrorEndpoint threw an exception that its OnErrorAsync handled by closing the connection: closed with {code} ({reason}).", handled.Message);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task OnErrorAsyncThatReturns_LeavesTheErrorUnhandled_1011AndOneErrorLine()
    {
        await using var server = await StartAsync();
        var id = Guid.NewGuid().ToString();
        using var client = await Client.ConnectAsync(server.Url($"/errors/unhandled?id={id}"));
        Assert.Equal("welcome", await client.ReceiveTextAsync());
        await client.SendTextAsync("x");

        Assert.Equal((WebSocketCloseStatus.InternalServerError, "Internal server error"), await client.ReceiveCloseAsync());
        Assert.Equal(["connect", "receive:x", "error:bad input: x", "disconnect:1011:Internal server error"],
            await server.Recorder.WaitForAsync(id, "disconnect:1011:Internal server error"));
        var error = Assert.Single(server.Logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Equal("The WebSocket handler Velithon.Runtime.Tests.ErrorEndpoint threw an exception after accepting; its connection is closed with 1011 (internal error).", error.Message);
    }

    [Fact]
    public async Task OnErrorAsyncThatCloses_BeforeAccept_RefusesWith403AndItsReason()
    {
        await using var server = await StartAsync();
        var id = Guid.NewGuid().ToString();
        var (status, body) = await Client.HandshakeAsync(new Uri(server.HttpBase, $"/errors/handled-connect?id={id}"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("refused by OnErrorAsync", body);
        Assert.Equal(["connect", "error:connect failed"], server.Recorder.Snapshot(id));

        // The response goes out before the runtime logs how the error was handled.
        await server.Logs.WaitForAsync(entry => entry.Level == LogLevel.Debug && entry.Message ==
            "The WebSocket endpoint Velithon.Runtime.Tests.ErrorEndpoint threw an exception that its OnErrorAsync handled by closing the connection: handshake refused with HTTP 403 for 4007 (refused by OnErrorAsync).");
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task OnErrorAsyncThatReturns_BeforeAccept_Refuses500_AndTheErrorLineSaysSo()
    {
        await using var server = await StartAsync();
        var id = Guid.NewGuid().ToString();
        var (status, _) = await Client.HandshakeAsync(new Uri(server.HttpBase, $"/errors/unhandled-connect?id={id}"));

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal(["connect", "error:connect failed"], server.Recorder.Snapshot(id));
        var error = Assert.Single(server.Logs.Entries, entry => entry.Level == LogLevel.Error);
        Assert.Equal("The WebSocket handler Velithon.Runtime.Tests.ErrorEndpoint threw an exception before accepting; the handshake is refused with HTTP 500.", error.Message);
    }

    [Theory]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(2999)]
    [InlineData(5000)]
    public void CloseException_RefusesACodeACloseFrameCannotCarry(int code) =>
        Assert.Throws<ArgumentOutOfRangeException>("code", () => new WebSocketCloseException(code));

    [Fact]
    public void CloseException_RefusesAReasonLongerThan123Bytes() =>
        Assert.Throws<ArgumentException>("reason", () => new WebSocketCloseException(4000, new string('é', 62)));
}
