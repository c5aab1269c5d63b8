using Velithon.Testing;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Binding, JSON, subprotocols, close codes and handshake refusals through the whole pipeline on an in-memory
/// server (Velithon.Testing): what these tests check does not depend on a socket. Transport behaviour (frames,
/// UTF-8, limits, HTTP/2, drops) stays on Kestrel in <see cref="EndToEndTests"/> and the conformance suite.
/// </summary>
public sealed class InMemoryTests(InMemoryServerFixture fixture) : IClassFixture<InMemoryServerFixture>
{
    private VelithonTestClient Client => fixture.Client;

    [Fact]
    public async Task Echo_TextAndBytes()
    {
        await using var ws = await Client.ConnectAsync("/echo");
        await ws.SendTextAsync("héllo wörld ✓");
        Assert.Equal("Echo: héllo wörld ✓", await ws.ReceiveTextAsync());

        var payload = new byte[40_000];
        new Random(42).NextBytes(payload);
        await ws.SendBytesAsync(payload);
        Assert.Equal(payload, await ws.ReceiveBytesAsync());
    }

    [Fact]
    public async Task MessageAsLargeAsTheLimit_CrossesTheInMemoryTransportWhole()
    {
        // Both directions through Velithon's framing over the in-memory transport: a frame about as large as what
        // the transport holds before it applies backpressure (64 KiB) arrives whole, as the fixture's limit allows.
        await using var ws = await Client.ConnectAsync("/echo");
        var payload = new byte[65_000];
        new Random(7).NextBytes(payload);
        await ws.SendBytesAsync(payload);
        Assert.Equal(payload, await ws.ReceiveBytesAsync());
    }

    [Fact]
    public async Task TestServersOwnWebSocketClient_IsRefusedWith501_NamingVelithonTestClient()
    {
        // The in-memory server's own client gives the application no stream, so Velithon cannot frame its
        // connection: the handshake is refused with a status and a message, not accepted and left hanging.
        var client = fixture.Server.Server.CreateWebSocketClient();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri("ws://localhost/echo"), CancellationToken.None));
        Assert.Contains("501", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_RoundTripsThroughASourceGeneratedContext()
    {
        await using var ws = await Client.ConnectAsync("/json");
        await ws.SendJsonAsync(new ChatMessage("ada", "hi there", 41), TestJsonContext.Default.ChatMessage);
        Assert.Equal(new ChatMessage("ada", "HI THERE", 42), await ws.ReceiveJsonAsync(TestJsonContext.Default.ChatMessage));

        await ws.SendTextAsync("""{"user":"bo","text":"x","sequence":1}""");
        var reply = await ws.ReceiveJsonElementAsync();
        Assert.Equal("X", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task JsonWithoutTypeInfo_UsesTheConfiguredResolver()
    {
        await using var ws = await Client.ConnectAsync("/json/configured");
        await ws.SendTextAsync("""{"x":4,"y":5}""");
        Assert.Equal("""{"x":40,"y":5}""", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task JsonForATypeWithoutMetadata_Fails1011WithAClearLog()
    {
        await using var ws = await Client.ConnectAsync("/json/unlisted");
        var (code, _) = await ws.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseCode.InternalError, code);
        Assert.Contains(fixture.Logs.Entries, entry => entry.Exception is InvalidOperationException { Message: var message }
            && message.StartsWith("No JSON metadata for Unlisted in the application's JSON options (Microsoft.AspNetCore.Http.Json.JsonOptions). Add [JsonSerializable(typeof(Unlisted))]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedJson_ClosesWith1007()
    {
        await using var ws = await Client.ConnectAsync("/json");
        await ws.SendTextAsync("{not json");
        var disconnect = await Assert.ThrowsAsync<WebSocketDisconnectException>(() => ws.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseCode.InvalidPayloadData, disconnect.Code);
        Assert.Equal(WebSocketCloseCode.InvalidPayloadData, ws.CloseCode);
    }

    [Fact]
    public async Task PathQueryAndHeaderValues_BindTyped()
    {
        var key = Guid.NewGuid();
        await using var ws = await Client.ConnectAsync(
            $"/bind/42/alice/{key}/docs/a/b.txt?token=t0k&color=green&page=3&ratio=2.5",
            options => options.Headers["X-Client"] = "tests");
        Assert.Equal($"42|alice|{key}|docs/a/b.txt|t0k|Green|tests|True|False|True|2.5|3", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task OptionalValues_TakeTheirDefaults()
    {
        var key = Guid.NewGuid();
        await using var ws = await Client.ConnectAsync($"/bind/7/bob/{key}/x?token=abc");
        Assert.Equal($"7|bob|{key}|x|abc|none|none|True|False|True|0.5|1", await ws.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("/bind/abc/n/{key}/r?token=t", "The route parameter 'id' has the value 'abc', which is not an integer (Int32).")]
    [InlineData("/bind/99999999999/n/{key}/r?token=t", "The route parameter 'id' has the value '99999999999', which is not an integer (Int32).")]
    [InlineData("/bind/1/n/not-a-guid/r?token=t", "The route parameter 'key' has the value 'not-a-guid', which is not a GUID.")]
    [InlineData("/bind/1/n/{key}/r", "The query parameter 'token' is required.")]
    [InlineData("/bind/1/n/{key}/r?token=t&color=purple", "The query parameter 'color' has the value 'purple', which is not one of Red, Green, Blue.")]
    [InlineData("/bind/1/n/{key}/r?token=t&color=1", "The query parameter 'color' has the value '1', which is not one of Red, Green, Blue.")]
    [InlineData("/bind/1/n/{key}/r?token=t&page=x", "The query parameter 'page' has the value 'x', which is not an integer (Int32).")]
    [InlineData("/bind/1/n/{key}/r?token=t&ratio=1,5", "The query parameter 'ratio' has the value '1,5', which is not a number (Double).")]
    public async Task BindingFailures_Return400NamingTheParameter(string path, string message)
    {
        var rejection = await Assert.ThrowsAsync<WebSocketHandshakeRejectedException>(
            () => Client.ConnectAsync(path.Replace("{key}", Guid.NewGuid().ToString(), StringComparison.Ordinal)));
        Assert.Equal(400, rejection.StatusCode);
        Assert.Equal(message, rejection.Body);
    }

    [Fact]
    public async Task CloseBeforeAccept_Rejects403WithTheReason()
    {
        var rejection = await Assert.ThrowsAsync<WebSocketHandshakeRejectedException>(() => Client.ConnectAsync("/ws"));
        Assert.Equal(403, rejection.StatusCode);
        Assert.Equal("Missing token", rejection.Body);

        await using var ws = await Client.ConnectAsync("/ws?token=secret");
        Assert.Equal("welcome secret", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task UnknownPath_Rejects404()
    {
        var rejection = await Assert.ThrowsAsync<WebSocketHandshakeRejectedException>(() => Client.ConnectAsync("/nowhere"));
        Assert.Equal(404, rejection.StatusCode);
        Assert.Equal("The server refused the WebSocket handshake with 404.", rejection.Message);
    }

    [Fact]
    public async Task HandlerReturningWithoutAccept_Rejects403()
    {
        var rejection = await Assert.ThrowsAsync<WebSocketHandshakeRejectedException>(() => Client.ConnectAsync("/no-accept"));
        Assert.Equal(403, rejection.StatusCode);
    }

    [Fact]
    public async Task SubProtocol_IsChosenFromTheOfferedOnes_WithExtraHeaders()
    {
        await using var ws = await Client.ConnectAsync("/subprotocol", options =>
        {
            options.SubProtocols.Add("chat.v1");
            options.SubProtocols.Add("chat.v2");
        });
        Assert.Equal("chat.v2", ws.SubProtocol);
        Assert.Equal("chat.v2", await ws.ReceiveTextAsync());
        Assert.Equal("accepted", ws.ResponseHeaders["X-Velithon"]);

        await using var plain = await Client.ConnectAsync("/subprotocol");
        Assert.Null(plain.SubProtocol);
        Assert.Equal("none", await plain.ReceiveTextAsync());
    }

    [Fact]
    public async Task SubProtocolNotOffered_RefusesTheHandshakeWith400()
    {
        var rejection = await Assert.ThrowsAsync<WebSocketHandshakeRejectedException>(() => Client.ConnectAsync("/subprotocol/unoffered"));
        Assert.Equal(400, rejection.StatusCode);
        Assert.Contains(fixture.Logs.Entries, entry => entry.Level == Microsoft.Extensions.Logging.LogLevel.Information
            && entry.Message.StartsWith("A WebSocket handshake for /subprotocol/unoffered was refused with HTTP 400", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Logs.Entries, entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && entry.Message.Contains("UnofferedSubProtocol", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1000, "done")]
    [InlineData(1008, "policy")]
    [InlineData(4001, "application reason ✓")]
    public async Task ServerClose_CodeAndReasonReachTheClient(int code, string reason)
    {
        await using var ws = await Client.ConnectAsync($"/close/{code}");
        await ws.SendTextAsync(reason);
        Assert.Equal((code, reason), await ws.ReceiveCloseAsync());
        Assert.Equal(code, ws.CloseCode);
        Assert.Equal(reason, ws.CloseReason);
    }

    [Fact]
    public async Task ClientClose_CodeAndReasonReachTheHandler()
    {
        var id = Guid.NewGuid().ToString();
        await using var ws = await Client.ConnectAsync($"/observe?id={id}");
        Assert.Equal("ready", await ws.ReceiveTextAsync());
        await ws.CloseAsync(4002, "client is leaving");

        var ending = await fixture.Probe.WaitAsync(id);
        Assert.Equal(new Ending(4002, "client is leaving", WebSocketState.Disconnected, AbortedFired: true), ending);
        Assert.Equal(4002, ws.CloseCode);
    }

    [Fact]
    public async Task HandlerCrash_ClosesWith1011()
    {
        await using var ws = await Client.ConnectAsync("/crash");
        await ws.SendTextAsync("fail now");
        var (code, _) = await ws.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseCode.InternalError, code);
    }

    [Fact]
    public async Task Receive_WhenTheServerSendsNothing_TimesOutWithAClearError()
    {
        var client = new VelithonTestClient(fixture.Server.Server) { Timeout = TimeSpan.FromMilliseconds(200) };
        await using var ws = await client.ConnectAsync("/close/1000");

        // The handler waits for a reason that never comes: the receive must fail rather than hang.
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => ws.ReceiveTextAsync());
        Assert.Contains("No message arrived", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_RejectsARelativePathWithoutSlash()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client.ConnectAsync("echo"));
        Assert.Contains("must start with '/'", error.Message, StringComparison.Ordinal);
    }
}
