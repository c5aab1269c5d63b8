using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Velithon.Connections;
using Velithon.Routing;

namespace Velithon.Runtime.Tests;

/// <summary>What Velithon logs of what it serves: its routes at start, each refused handshake (rate-limited), each connection.</summary>
public sealed class LoggingTests
{
    private const string RefusedPrefix = "A WebSocket handshake for ";

    [Fact]
    public async Task Start_LogsEachRouteAtInformation_OneLineEach()
    {
        await using var server = await TestServer.StartAsync();
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<WebSocketRouteMetadata>() is not null)
            .Select(endpoint => $"WebSocket route {endpoint.RoutePattern.RawText} is served by {endpoint.Metadata.GetMetadata<WebSocketRouteMetadata>()!.HandlerName}.")
            .ToList();
        var logged = server.Logs.Messages(LogLevel.Information).Where(message => message.StartsWith("WebSocket route ", StringComparison.Ordinal)).ToList();

        Assert.True(routes.Count > 20);
        Assert.Equal(routes.Order(StringComparer.Ordinal), logged.Order(StringComparer.Ordinal));
        Assert.Contains("WebSocket route /echo is served by Velithon.Runtime.Tests.Handlers.Echo.", logged);
        Assert.Contains("WebSocket route /lifecycle/{mode} is served by Velithon.Runtime.Tests.LifecycleEndpoint.", logged);
        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task AddVelithonWithoutMapVelithon_WarnsAtStart()
    {
        var logs = await StartAndStopWithoutWebSocketRoutesAsync(_ => { });

        var warning = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Equal("Velithon.WebSockets", warning.Category);
        Assert.Equal("AddVelithon() was called but no Velithon WebSocket route is mapped, so every WebSocket handshake gets 404. Call app.MapVelithon() after building the app.", warning.Message);
    }

    [Fact]
    public async Task Start_WithAFilterThatLetsInformationButNotWarningThrough_StillLogsEachRoute()
    {
        // A filter function is free to pass one level and not a higher one: Warning being off says nothing of Information.
        await using var server = await TestServer.StartAsync(
            configureBuilder: builder => builder.Logging.AddFilter("Velithon", level => level == LogLevel.Information));

        var logged = server.Logs.Messages(LogLevel.Information).Where(message => message.StartsWith("WebSocket route ", StringComparison.Ordinal)).ToList();

        Assert.Contains("WebSocket route /echo is served by Velithon.Runtime.Tests.Handlers.Echo.", logged);
    }

    [Fact]
    public async Task AddVelithonWithoutMapVelithon_WithVelithonLoggingAtWarning_StillWarnsAtStart()
    {
        // A category rule: the output folder's appsettings.json sets Default to Information, which a minimum level would not override.
        var logs = await StartAndStopWithoutWebSocketRoutesAsync(logging => logging.AddFilter("Velithon", LogLevel.Warning));

        var warning = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Equal("Velithon.WebSockets", warning.Category);
    }

    /// <summary>Starts and stops an app that calls AddVelithon and maps an HTTP route but no WebSocket route; its logs.</summary>
    private static async Task<CapturedLogs> StartAndStopWithoutWebSocketRoutesAsync(Action<ILoggingBuilder> configureLogging)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        configureLogging(builder.Logging);
        builder.Services.AddVelithon();
        await using var app = builder.Build();
        app.MapGet("/", () => "an HTTP route, but no WebSocket route");

        await app.StartAsync();
        await app.StopAsync();
        return logs;
    }

    [Fact]
    public async Task RefusedHandshakes_AreLoggedAtInformation_WithTheirReason()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { Timeout = Client.Timeout };

        Assert.Equal(HttpStatusCode.UpgradeRequired, (await http.GetAsync(new Uri(server.HttpBase, "/echo"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/echo"), ("Origin", "https://evil.example"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/ws"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/no-accept"))).Status);
        string bindPath = $"/bind/notanumber/alice/{Guid.NewGuid()}/a";
        var (bindStatus, bindBody) = await Client.HandshakeAsync(new Uri(server.HttpBase, bindPath));
        Assert.Equal(HttpStatusCode.BadRequest, bindStatus);

        await server.Logs.WaitForAsync(entry => entry.Message.StartsWith(RefusedPrefix + "/bind/", StringComparison.Ordinal));
        Assert.Equal(
            [
                "A WebSocket handshake for /echo was refused with HTTP 426: a GET request without a WebSocket upgrade",
                "A WebSocket handshake for /echo was refused with HTTP 403: the origin https://evil.example is not allowed (VelithonOptions.AllowedOrigins)",
                "A WebSocket handshake for /ws was refused with HTTP 403: the handler closed it with 1008 before accepting it: Missing token",
                "A WebSocket handshake for /no-accept was refused with HTTP 403: the handler returned without accepting it",
                $"A WebSocket handshake for {bindPath} was refused with HTTP 400: {bindBody}",
            ],
            Refusals(server));
    }

    [Fact]
    public async Task AFloodOfRefusals_LogsTenLinesPerReasonPerMinute_ThenOneSummary()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await TestServer.StartAsync(configureBuilder: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var http = new HttpClient { Timeout = Client.Timeout };
        const string Line = "A WebSocket handshake for /echo was refused with HTTP 426: a GET request without a WebSocket upgrade";

        for (int i = 0; i < HandshakeRefusalLog.LinesPerPeriod + 5; i++)
        {
            Assert.Equal(HttpStatusCode.UpgradeRequired, (await http.GetAsync(new Uri(server.HttpBase, "/echo"))).StatusCode);
        }

        // Another reason has its own count.
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/echo"), ("Origin", "https://evil.example"))).Status);
        Assert.Equal(Enumerable.Repeat(Line, HandshakeRefusalLog.LinesPerPeriod), Refusals(server).Where(line => line == Line));
        Assert.Single(Refusals(server), line => line.Contains("HTTP 403", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Messages(LogLevel.Information), line => line.Contains(" more WebSocket handshakes", StringComparison.Ordinal));

        // The period ends: one summary for what was left out.
        clock.Advance(HandshakeRefusalLog.Period);
        await server.Logs.WaitForAsync(entry => entry.Message.Contains(" more WebSocket handshakes", StringComparison.Ordinal));
        Assert.Equal(
            ["5 more WebSocket handshakes were refused with HTTP 426 (not_websocket) in the last 00:01:00 without a line each."],
            server.Logs.Messages(LogLevel.Information).Where(line => line.Contains(" more WebSocket handshakes", StringComparison.Ordinal)));

        // A new period logs again.
        Assert.Equal(HttpStatusCode.UpgradeRequired, (await http.GetAsync(new Uri(server.HttpBase, "/echo"))).StatusCode);
        Assert.Equal(HandshakeRefusalLog.LinesPerPeriod + 1, Refusals(server).Count(line => line == Line));
    }

    [Fact]
    public async Task EachConnection_LogsAcceptedAndClosedAtDebug()
    {
        await using var server = await TestServer.StartAsync(configureBuilder: builder => builder.Logging.AddFilter("Velithon", LogLevel.Debug));
        using (var client = await Client.ConnectAsync(server.Url("/subprotocol"), options => options.AddSubProtocol("chat.v2")))
        {
            Assert.Equal("chat.v2", await client.ReceiveTextAsync());
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Client.Timeout);
        }

        await server.Logs.WaitForAsync(entry => entry.Message.Contains("closed with", StringComparison.Ordinal));
        var lines = server.Logs.Messages(LogLevel.Debug).Where(line => line.StartsWith("WebSocket connection ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Matches(@"^WebSocket connection \S+ for /subprotocol accepted by Velithon\.Runtime\.Tests\.Handlers\.SubProtocol \(subprotocol: chat\.v2\)\.$", lines[0]);
        Assert.Matches(@"^WebSocket connection \S+ for /subprotocol closed with 1000 \(reason: bye\)\.$", lines[1]);
        Assert.Equal(lines[0].Split(' ')[2], lines[1].Split(' ')[2]);
    }

    private static List<string> Refusals(TestServer server) =>
        [.. server.Logs.Messages(LogLevel.Information).Where(line => line.StartsWith(RefusedPrefix, StringComparison.Ordinal))];
}
