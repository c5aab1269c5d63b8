using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Velithon.Runtime.Tests;

/// <summary>One server for a test class, with an HTTP route beside the WebSocket routes.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(app => app.MapGet("/shared", () => Results.Text("http")));
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
