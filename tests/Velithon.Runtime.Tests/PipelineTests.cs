using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Velithon.Runtime.Tests.Conformance;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Velithon touches only its own routes: an application's raw ASP.NET Core WebSocket endpoint and SignalR hub
/// beside them keep the application's own <c>UseWebSockets(options)</c>.
/// </summary>
public sealed class PipelineTests
{
    private const string VelithonOnly = "https://velithon.example";
    private const string RawOnly = "https://raw.example";
    private const string Both = "https://both.example";

    private static Task<TestServer> StartAsync() => TestServer.StartAsync(
        mapMore: app =>
        {
            // The application's own WebSocket options, for every request that reaches its endpoints.
            app.UseWebSockets(new WebSocketOptions { AllowedOrigins = { RawOnly, Both }, KeepAliveInterval = TimeSpan.FromMilliseconds(100) });
            app.Map("/raw", async (HttpContext context) =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    return Results.BadRequest();
                }

                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var buffer = new byte[1024];
                try
                {
                    while ((await socket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close)
                    {
                    }

                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }
                catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
                {
                    // The test's raw client left without a close handshake.
                }

                return Results.Empty;
            });
            app.MapHub<EchoHub>("/hub");
        },
        configure: options =>
        {
            options.AllowedOrigins.Add(VelithonOnly);
            options.AllowedOrigins.Add(Both);
        },
        configureBuilder: builder => builder.Services.AddSignalR());

    private static Task<RawHttpResponse> HandshakeAsync(TestServer server, string target, string origin) =>
        RawHttpResponse.GetAsync(server.HttpBase, target,
            "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Key: {Convert.ToBase64String(Guid.NewGuid().ToByteArray())}",
            "Sec-WebSocket-Version: 13", $"Origin: {origin}");

    [Theory]
    [InlineData("/raw")]
    [InlineData("/hub")]
    public async Task ApplicationEndpoints_KeepTheApplicationsAllowedOrigins(string target)
    {
        await using var server = await StartAsync();

        // Velithon allows this origin; the application's UseWebSockets does not, and decides for its own endpoints.
        Assert.Equal((int)HttpStatusCode.Forbidden, (await HandshakeAsync(server, target, VelithonOnly)).Status);
        Assert.Equal((int)HttpStatusCode.SwitchingProtocols, (await HandshakeAsync(server, target, RawOnly)).Status);
        Assert.Equal((int)HttpStatusCode.SwitchingProtocols, (await HandshakeAsync(server, target, Both)).Status);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Error || entry.Exception is not null);
    }

    [Fact]
    public async Task RawEndpoint_KeepsTheApplicationsKeepAliveInterval()
    {
        await using var server = await StartAsync();
        await using var socket = await RawWebSocket.ConnectAsync(server.Http1Base, "/raw", 1, $"Origin: {RawOnly}");

        // The application asked for a keep-alive every 100 ms: the framework's WebSocket sends an unsolicited pong
        // (or a ping) unprompted. Under Velithon's options the raw endpoint would send nothing.
        var frame = await socket.ReadFrameAsync();
        Assert.NotNull(frame);
        Assert.Contains(frame.Opcode, new[] { Frame.Ping, Frame.Pong });
    }

    [Fact]
    public async Task VelithonRoutes_KeepVelithonsOriginPolicy()
    {
        await using var server = await StartAsync();

        Assert.Equal((int)HttpStatusCode.SwitchingProtocols, (await HandshakeAsync(server, "/echo", Both)).Status);

        // The application's middleware lets this origin through; Velithon's AllowedOrigins refuses it.
        var refused = await HandshakeAsync(server, "/echo", RawOnly);
        Assert.Equal((int)HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("This origin may not open WebSocket connections to this server.", refused.Body);

        // And a Velithon route still serves its connections with its own framing.
        using var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Origin", Both);
        using var timeout = new CancellationTokenSource(Client.Timeout);
        await client.ConnectAsync(server.Url("/echo"), timeout.Token);
        await client.SendTextAsync("beside a hub");
        Assert.Equal("Echo: beside a hub", await client.ReceiveTextAsync());
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }
}
