using Velithon.Testing;

namespace Velithon.Runtime.Tests;

/// <summary>The literal port of the original's path_params example, and HttpRequest/HttpResponse parameters, served.</summary>
public sealed class SeedPortTests(InMemoryServerFixture fixture) : IClassFixture<InMemoryServerFixture>
{
    [Fact]
    public async Task PathParamsReadByName_GetsTheRouteValue()
    {
        await using var ws = await fixture.Client.ConnectAsync("/seed/chat/lobby");
        Assert.Equal("room lobby", await ws.ReceiveTextAsync());
    }

    [Fact]
    public async Task HttpRequestAndHttpResponse_BindToTheHandshake()
    {
        await using var ws = await fixture.Client.ConnectAsync("/seed/request?q=42");
        Assert.Equal("/seed/request 42 True", await ws.ReceiveTextAsync());
    }
}
