using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Testing;

namespace Velithon.Runtime.Tests;

/// <summary>
/// This assembly's routes on an in-memory server (Velithon.Testing), for tests where a real socket adds
/// nothing: binding, JSON, close codes, handshake refusals.
/// </summary>
public sealed class InMemoryServerFixture : IAsyncLifetime
{
    public VelithonTestServer Server { get; private set; } = null!;

    public VelithonTestClient Client => Server.Client;

    public Probe Probe => Server.Services.GetRequiredService<Probe>();

    public CapturedLogs Logs => Server.Services.GetRequiredService<CapturedLogs>();

    public async Task InitializeAsync() =>
        Server = await VelithonTestServer.StartAsync(app => app.MapVelithon(), builder => TestServer.ConfigureServices(builder));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
