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
        Assert.Contains("MaxMessageSize must be a positive number of bytes; it is 0.", error.Failures);
        Assert.Contains("CloseTimeout must be positive; it is 00:00:00.", error.Failures);
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
