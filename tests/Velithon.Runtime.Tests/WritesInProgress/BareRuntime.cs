using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velithon.Connections;
using Velithon.Hosting;
using Velithon.Routing;

namespace Velithon.Runtime.Tests.WritesInProgress;

/// <summary>
/// Velithon's runtime without a server, for connections over transports a test builds itself: its logs are captured,
/// its clock is the test's, and the deadlines' sweep runs when the test calls it.
/// </summary>
public sealed class BareRuntime : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ServiceProvider _services;

    public BareRuntime(TimeProvider? clock = null, Action<VelithonOptions>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<IHostApplicationLifetime, HostLifetime>();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddVelithon(options =>
        {
            options.KeepAliveInterval = TimeSpan.Zero;
            configure?.Invoke(options);
        });
        _services = services.BuildServiceProvider();
        Runtime = _services.GetRequiredService<VelithonRuntime>();
    }

    public CapturedLogs Logs { get; } = new();

    internal VelithonRuntime Runtime { get; }

    /// <summary>The sweep of the connections' deadlines (idle, keep-alive, send timeout).</summary>
    internal ConnectionMonitor Monitor => _services.GetServices<IHostedService>().OfType<ConnectionMonitor>().Single();

    /// <summary>Accepts the handshake of <paramref name="context"/> as a handler would.</summary>
    internal async Task<ServerWebSocket> AcceptAsync(HttpContext context, RoutePolicy? policy = null)
    {
        var connection = new ServerWebSocket(context, Runtime, "test", policy);
        await connection.AcceptAsync().WaitAsync(Timeout);
        return connection;
    }

    public void Dispose() => _services.Dispose();

    private sealed class HostLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
