using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Velithon.Runtime.Tests;

/// <summary>Start-up checks: misconfiguration fails early with a message that says what to do.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task InvalidOptions_FailAtStartWithClearMessages()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddVelithon(options =>
        {
            options.MaxMessageSize = 0;
            options.CloseTimeout = TimeSpan.Zero;
        });
        await using var app = builder.Build();

        // Mapping resolves the options, so the failure comes before the server starts.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            app.MapVelithon();
            await app.StartAsync();
        });
        Assert.Equal(["MaxMessageSize must be a positive number of bytes (it is 0)", "CloseTimeout must be positive (it is 00:00:00)"], error.Failures);

        // OptionsValidationException joins the failures with "; ": each is a clause, without a period before the semicolon.
        Assert.Equal("MaxMessageSize must be a positive number of bytes (it is 0); CloseTimeout must be positive (it is 00:00:00)", error.Message);
    }

    [Fact]
    public async Task InvalidLimitOptions_FailAtStartWithClearMessages()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddVelithon(options =>
        {
            options.MaxConnections = 0;
            options.MaxConnectionsPerIp = -1;
            options.IdleTimeout = TimeSpan.FromSeconds(-1);
            options.AllowedOrigins.Add("example.com");
            options.MessageRateLimit = new System.Threading.RateLimiting.TokenBucketRateLimiterOptions();
            options.Compression.ServerMaxWindowBits = 16;
            options.BroadcastQueueLimit = 0;
            options.MaxPendingRequests = 0;
            options.RequestTimeout = TimeSpan.Zero;
        });
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            app.MapVelithon();
            await app.StartAsync();
        });
        Assert.Equal(
            [
                "IdleTimeout must be zero (off) or positive (it is -00:00:01)",
                "MaxConnections must be positive, or null for no limit (it is 0)",
                "MaxConnectionsPerIp must be positive, or null for no limit (it is -1)",
                "AllowedOrigins holds 'example.com', which is not an origin: write scheme://host[:port] (for example https://example.com), or * for any origin",
                "MessageRateLimit needs a positive TokenLimit, TokensPerPeriod and ReplenishmentPeriod (it has 0, 0 and 00:00:00)",
                "Compression.ServerMaxWindowBits must be between 9 and 15, as RFC 7692 allows (it is 16)",
                "BroadcastQueueLimit must be a positive number of messages (it is 0)",
                "MaxPendingRequests must be a positive number of requests (it is 0)",
                "RequestTimeout must be positive, or Timeout.InfiniteTimeSpan for none (it is 00:00:00)",
            ],
            error.Failures);
        Assert.DoesNotContain(".;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_ClosesManyConnectionsWith1001_RunsEveryDisconnect_AndAPeerThatNeverAnswersDoesNotHang()
    {
        var server = await TestServer.StartAsync(configure: options => options.CloseTimeout = TimeSpan.FromSeconds(1));
        var clients = new List<System.Net.WebSockets.ClientWebSocket>();
        for (int i = 0; i < 20; i++)
        {
            var client = await Client.ConnectAsync(server.Url($"/rooms/shutdown?id=shutdown-{i}"));
            Assert.Equal("joined", await client.ReceiveTextAsync());
            clients.Add(client);
        }

        // A peer that never reads or answers: its close handshake cannot complete, so the close timeout ends it.
        await using var silent = await Conformance.RawWebSocket.ConnectAsync(server.Http1Base, "/rooms/shutdown?id=shutdown-silent");
        var probe = server.Probe;

        var stopping = server.StopAsync();
        var closes = await Task.WhenAll(clients.Select(client => client.ReceiveCloseAsync()));
        await stopping.WaitAsync(Client.Timeout);
        await server.DisposeAsync();

        Assert.All(closes, close => Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, close.Status));
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(WebSocketCloseCode.GoingAway, (await probe.WaitAsync($"shutdown-{i}")).Code);
        }

        Assert.Equal(WebSocketCloseCode.GoingAway, (await probe.WaitAsync("shutdown-silent")).Code);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Shutdown_ClosesEveryConnectionWith1001_AndRunsDisconnect()
    {
        var server = await TestServer.StartAsync();
        var endpointId = Guid.NewGuid().ToString();
        var handlerId = Guid.NewGuid().ToString();
        using var endpointClient = await Client.ConnectAsync(server.Url($"/lifecycle/normal?id={endpointId}"));
        using var handlerClient = await Client.ConnectAsync(server.Url($"/observe?id={handlerId}"));
        Assert.Equal("welcome", await endpointClient.ReceiveTextAsync());
        Assert.Equal("ready", await handlerClient.ReceiveTextAsync());
        var recorder = server.Recorder;
        var probe = server.Probe;

        var stopping = server.DisposeAsync().AsTask();
        var endpointClose = await endpointClient.ReceiveCloseAsync();
        var handlerClose = await handlerClient.ReceiveCloseAsync();
        await stopping.WaitAsync(Client.Timeout);

        Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down."), endpointClose);
        Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down."), handlerClose);
        Assert.Contains("disconnect:1001", await recorder.WaitForAsync(endpointId, "dispose"));
        Assert.Equal(WebSocketCloseCode.GoingAway, (await probe.WaitAsync(handlerId)).Code);
    }

    [Fact]
    public async Task MapVelithonWithoutAddVelithon_SaysWhatToCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapVelithon());
        Assert.Equal("Velithon's services are not registered. Call builder.Services.AddVelithon() before app.MapVelithon().", error.Message);
    }
}
