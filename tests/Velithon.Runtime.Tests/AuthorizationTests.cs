using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;

namespace Velithon.Runtime.Tests;

/// <summary>[Authorize] and [AllowAnonymous] on handlers, and RequireAuthorization() on the generated routes.</summary>
public sealed class AuthorizationTests
{
    private static Task<ClientWebSocket> ConnectAsAsync(Uri uri, string credentials) =>
        Client.ConnectAsync(uri, options => options.SetRequestHeader("Authorization", "Test " + credentials));

    [Fact]
    public async Task AuthorizeOnAHandler_RefusesAnonymousWith401_AndAdmitsAUser()
    {
        await using var server = await TestServer.StartAsync();
        var (status, _) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/secure/hello"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        using var alice = await ConnectAsAsync(server.Url("/secure/hello"), "alice");
        Assert.Equal("hello alice", await alice.ReceiveTextAsync());
    }

    [Fact]
    public async Task AuthorizeWithRoles_RefusesAUserWithoutTheRoleWith403()
    {
        await using var server = await TestServer.StartAsync();
        var (status, _) = await Client.HandshakeAsync(new Uri(server.HttpBase, "/secure/admin"), ("Authorization", "Test bob"));
        Assert.Equal(HttpStatusCode.Forbidden, status);

        using var admin = await ConnectAsAsync(server.Url("/secure/admin"), "carol,admin");
        Assert.Equal("admin carol", await admin.ReceiveTextAsync());
    }

    [Fact]
    public async Task AnAttributeDerivingFromAuthorize_ProtectsTheRouteAsAuthorizeDoes()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/secure/operators"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/secure/operators"), ("Authorization", "Test bob"))).Status);

        using var olga = await ConnectAsAsync(server.Url("/secure/operators"), "olga,operator");
        Assert.Equal("operator olga", await olga.ReceiveTextAsync());
    }

    [Fact]
    public async Task AuthorizeOnAnEndpointClass_RunsNoEndpointCodeForAnonymous()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/secure/endpoint"))).Status);

        using var dave = await ConnectAsAsync(server.Url("/secure/endpoint"), "dave");
        Assert.Equal("endpoint dave", await dave.ReceiveTextAsync());
    }

    [Fact]
    public async Task AuthorizationOverHttp2_IsEnforcedToo()
    {
        await using var server = await TestServer.StartAsync();
        using var anonymous = new ClientWebSocket();
        anonymous.Options.HttpVersion = HttpVersion.Version20;
        anonymous.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        anonymous.Options.CollectHttpResponseDetails = true;
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        using var timeout = new CancellationTokenSource(Client.Timeout);
        await Assert.ThrowsAsync<WebSocketException>(() => anonymous.ConnectAsync(new Uri(server.Http2Base, "/secure/hello"), invoker, timeout.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.HttpStatusCode);
    }

    [Fact]
    public async Task RequireAuthorizationOnTheGeneratedRoutes_ProtectsAll_ButAllowAnonymousWins()
    {
        await using var server = await TestServer.StartAsync(routeConventions: routes => routes.RequireAuthorization());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.HandshakeAsync(new Uri(server.HttpBase, "/echo"))).Status);

        using var anyone = await Client.ConnectAsync(server.Url("/public/hello"));
        Assert.Equal("hello anyone", await anyone.ReceiveTextAsync());

        using var erin = await ConnectAsAsync(server.Url("/echo"), "erin");
        await erin.SendTextAsync("hi");
        Assert.Equal("Echo: hi", await erin.ReceiveTextAsync());
    }
}
