using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Velithon.Runtime.Tests;

/// <summary>Handshakes the handler cannot serve, and requests that are not handshakes, answered as the client's problem.</summary>
public sealed class HandshakeTests
{
    [Theory]
    [InlineData(null, "none")]
    [InlineData("other", "'other'")]
    public async Task SubprotocolTheClientDidNotOffer_StaticHandler_Is400NamingBoth_LoggedAtInformation(string? offered, string described)
    {
        await using var server = await TestServer.StartAsync();
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        if (offered is not null)
        {
            client.Options.AddSubProtocol(offered);
        }

        using var timeout = new CancellationTokenSource(Client.Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => client.ConnectAsync(server.Url("/subprotocol/unoffered"), timeout.Token));
        Assert.Equal(HttpStatusCode.BadRequest, client.HttpStatusCode);

        var headers = offered is null ? [] : new[] { ("Sec-WebSocket-Protocol", offered) };
        var (status, body) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/subprotocol/unoffered"), headers);
        string expected = $"This endpoint needs the WebSocket subprotocol 'never-offered' (Sec-WebSocket-Protocol); the client offered {described}.";
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(expected, body);

        Assert.Equal(
            [$"A WebSocket handshake for /subprotocol/unoffered was refused with HTTP 400: {expected}", $"A WebSocket handshake for /subprotocol/unoffered was refused with HTTP 400: {expected}"],
            server.Logs.Messages(LogLevel.Information).Where(message => message.StartsWith("A WebSocket handshake", StringComparison.Ordinal)));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning || entry.Exception is not null);
    }

    [Fact]
    public async Task SubprotocolTheClientDidNotOffer_Endpoint_Is400_AndNoLifecycleAfterConnect()
    {
        await using var server = await TestServer.StartAsync();
        var id = Guid.NewGuid().ToString();
        var (status, body) = await Client.HandshakeAsync(new Uri(server.HttpBase, $"/lifecycle/subprotocol?id={id}"), ("Sec-WebSocket-Protocol", "chat.v1"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("This endpoint needs the WebSocket subprotocol 'chat.v2' (Sec-WebSocket-Protocol); the client offered 'chat.v1'.", body);
        Assert.Equal(["connect:Connecting", "dispose", "scope-disposed"], await server.Recorder.WaitForAsync(id, "scope-disposed"));
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning || entry.Exception is not null);
    }

    [Fact]
    public async Task Head_GetsWhatAGetWithoutUpgradeGets_WithoutTheBody()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { Timeout = Client.Timeout };

        using var get = await http.GetAsync(new Uri(server.HttpBase, "/echo"));
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(server.HttpBase, "/echo")));

        Assert.Equal(HttpStatusCode.UpgradeRequired, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal("websocket", Assert.Single(head.Headers.Upgrade).Name);
        Assert.Contains("Upgrade", head.Headers.Connection);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal("This endpoint accepts only WebSocket connections.", await get.Content.ReadAsStringAsync());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }
    [Theory]
    [InlineData("8")]
    [InlineData("12")]
    [InlineData("14")]
    public async Task OtherProtocolVersion_Gets426_NamingVersion13(string version)
    {
        await using var server = await TestServer.StartAsync();
        string key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var response = await RawHttpResponse.GetAsync(server.HttpBase, "/echo",
            "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Key: {key}", $"Sec-WebSocket-Version: {version}");

        // RFC 6455 sections 4.2.2 and 4.4: the refusal names the versions the server speaks.
        Assert.Equal(426, response.Status);
        Assert.Equal(["13"], response.Header("Sec-WebSocket-Version"));
        Assert.Equal($"This endpoint speaks WebSocket version 13 (Sec-WebSocket-Version); the client asked for {version}.", response.Body);
        await server.Logs.WaitForAsync(entry => entry.Message ==
            $"A WebSocket handshake for /echo was refused with HTTP 426: the client asked for WebSocket version {version} (Sec-WebSocket-Version); this server speaks version 13");
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning || entry.Exception is not null);

        // Version 13 is served as ever.
        Assert.Equal(101, (await RawHttpResponse.GetAsync(server.HttpBase, "/echo",
            "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13")).Status);
    }

    [Theory]
    [InlineData("keep-alive, Upgrade", "WebSocket", 101)]
    [InlineData("keep-alive,  upgrade ,x", " websocket ", 101)]
    [InlineData("keep-alive, Upgrades", "websocket", 400)]
    [InlineData("Upgrade", "websockets, h2c", 426)]
    public async Task ConnectionAndUpgradeHeaders_AreTokenLists(string connection, string upgrade, int status)
    {
        // RFC 9110 section 5.6.1: a list of tokens, compared without case, with optional whitespace around each.
        await using var server = await TestServer.StartAsync();
        string key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var response = await RawHttpResponse.GetAsync(server.HttpBase, "/echo",
            $"Upgrade: {upgrade}", $"Connection: {connection}", $"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13");
        Assert.Equal(status, response.Status);
    }

    [Fact]
    public async Task PlainRequest_426_NamesVersion13()
    {
        await using var server = await TestServer.StartAsync();
        var response = await RawHttpResponse.GetAsync(server.HttpBase, "/echo");
        Assert.Equal(426, response.Status);
        Assert.Equal(["13"], response.Header("Sec-WebSocket-Version"));
        Assert.Equal(["websocket"], response.Header("Upgrade"));
        Assert.Equal("This endpoint accepts only WebSocket connections.", response.Body);
    }
}
