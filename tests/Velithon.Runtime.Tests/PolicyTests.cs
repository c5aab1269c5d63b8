using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Per-route policies: routes of one server with different attributes each live by their own limits, producing their
/// own close code or status, while routes without attributes keep the options.
/// </summary>
public sealed class PolicyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    [Theory]
    [InlineData("/policy/small")]
    [InlineData("/policy/endpoint-small")]
    public async Task MaxMessageSize_OnTheRoute_Closes1009_WhereTheOptionsAllowTheMessage(string path)
    {
        using var small = await Client.ConnectAsync(Server.Url(path));
        using var plain = await Client.ConnectAsync(Server.Url("/policy/default"));
        string seventeen = new('x', 17);

        await plain.SendTextAsync(seventeen);
        Assert.Equal(seventeen, await plain.ReceiveTextAsync());

        await small.SendTextAsync(new string('x', 16));
        Assert.Equal(new string('x', 16), await small.ReceiveTextAsync());
        await small.SendTextAsync(seventeen);
        var (status, _) = await small.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, status);
    }

    [Theory]
    [InlineData("/policy/class/inherits", 16)]
    [InlineData("/policy/class/overrides", 64)]
    public async Task MaxMessageSize_OnTheClassOfStaticHandlers_AppliesToEach_UnlessTheHandlerStatesItsOwn(string path, int limit)
    {
        using var client = await Client.ConnectAsync(Server.Url(path));

        await client.SendTextAsync(new string('x', limit));
        Assert.Equal(new string('x', limit), await client.ReceiveTextAsync());
        await client.SendTextAsync(new string('x', limit + 1));
        var (status, _) = await client.ReceiveCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, status);
    }

    [Fact]
    public async Task AllowedOrigins_OnTheRoute_AdmitItsOrigin_WhichTheOptionsRefuseElsewhere()
    {
        var partner = ("Origin", "https://partner.example");
        var (refused, _) = await Client.HandshakeAsync(new Uri(Server.HttpBase, "/policy/default"), partner);
        Assert.Equal(HttpStatusCode.Forbidden, refused);

        using var admitted = await Client.ConnectAsync(Server.Url("/policy/partner"), options => options.SetRequestHeader("Origin", "https://partner.example"));
        await admitted.SendTextAsync("hi");
        Assert.Equal("hi", await admitted.ReceiveTextAsync());

        var (other, _) = await Client.HandshakeAsync(new Uri(Server.HttpBase, "/policy/partner"), ("Origin", "https://other.example"));
        Assert.Equal(HttpStatusCode.Forbidden, other);
    }

    [Fact]
    public async Task MaxConnections_OnTheRoute_Refuses503_WhileOtherRoutesAccept()
    {
        using var first = await Client.ConnectAsync(Server.Url("/policy/single"));
        var (status, body) = await Client.HandshakeAsync(new Uri(Server.HttpBase, "/policy/single"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("This endpoint holds as many WebSocket connections as it allows.", body);

        using var other = await Client.ConnectAsync(Server.Url("/policy/default"));
        await first.SendTextAsync("still here");
        Assert.Equal("still here", await first.ReceiveTextAsync());

        // Once the first connection has ended, its slot is free again.
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var again = HttpStatusCode.ServiceUnavailable;
        for (int attempt = 0; attempt < 200 && again == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 50);
            (again, _) = await Client.HandshakeAsync(new Uri(Server.HttpBase, "/policy/single"));
        }

        Assert.Equal(HttpStatusCode.SwitchingProtocols, again);
    }

    [Fact]
    public async Task MessageRateLimit_OnTheRoute_Closes1008_WhereTheOptionsSetNone()
    {
        using var limited = await Client.ConnectAsync(Server.Url("/policy/rate"));
        using var plain = await Client.ConnectAsync(Server.Url("/policy/default"));
        for (int i = 0; i < 3; i++)
        {
            await plain.SendTextAsync($"m{i}");
            Assert.Equal($"m{i}", await plain.ReceiveTextAsync());
        }

        await limited.SendTextAsync("m0");
        Assert.Equal("m0", await limited.ReceiveTextAsync());
        await limited.SendTextAsync("m1");
        Assert.Equal("m1", await limited.ReceiveTextAsync());
        await limited.SendTextAsync("m2");
        var (status, description) = await limited.ReceiveCloseAsync();
        Assert.Equal((WebSocketCloseStatus.PolicyViolation, "Message rate limit exceeded."), (status, description));
    }

    [Fact]
    public async Task IdleTimeout_OnTheRoute_Closes1001_OnlyThatRoute()
    {
        var clock = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(configureBuilder: builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Logging.AddFilter("Velithon", LogLevel.Debug);
        });
        using var idle = await Client.ConnectAsync(server.Url("/policy/idle"));
        using var plain = await Client.ConnectAsync(server.Url("/policy/default"));
        await Client.EventuallyAsync(() => server.Hub.ConnectionCount == 2);

        // The route's 2 s: the sweep runs at least every 0.5 s of the fake clock once the route was served, inside Advance.
        var closing = idle.ReceiveCloseAsync();
        var advanced = await Deadlines.AdvanceUntilAsync(clock, server, Deadlines.Idle, TimeSpan.FromMilliseconds(500), closing);
        Assert.InRange(advanced, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));

        var (status, description) = await closing;
        Assert.Equal((WebSocketCloseStatus.EndpointUnavailable, "Idle timeout"), (status, description));

        // The route without the attribute has no idle timeout (the options set none): it still echoes.
        await plain.SendTextAsync("alive");
        Assert.Equal("alive", await plain.ReceiveTextAsync());
    }
}
