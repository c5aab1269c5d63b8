using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velithon.Redis;

namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// One Velithon server of the fleet: Kestrel on 127.0.0.1 with a dynamic port, the Redis backplane reaching Redis
/// through its own <see cref="CountingProxy"/>, and a listener on its <c>Velithon</c> meter (the per-topic backplane's
/// <c>velithon.backplane.*</c> instruments; the one-channel backplane has none).
/// </summary>
public sealed class ScaleOutServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);

    private ScaleOutServer(WebApplication app, CountingProxy? proxy)
    {
        _app = app;
        Proxy = proxy;
    }

    /// <summary>The counting proxy; null on a cluster.</summary>
    public CountingProxy? Proxy { get; }

    public IServiceProvider Services => _app.Services;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The sum of one instrument's measurements so far (0 when this build has no such instrument).</summary>
    public long Metric(string instrument) => _totals.TryGetValue(instrument, out long total) ? total : 0;

    public static Task<ScaleOutServer> StartAsync(int redisPort, string channelPrefix) =>
        StartAsync(new CountingProxy(redisPort), null, channelPrefix);

    /// <summary>A server of a fleet on a Redis Cluster: straight to the nodes (a proxy cannot follow the cluster's redirections).</summary>
    public static Task<ScaleOutServer> StartOnClusterAsync(string configuration, string channelPrefix) =>
        StartAsync(null, configuration, channelPrefix);

    private static async Task<ScaleOutServer> StartAsync(CountingProxy? proxy, string? configuration, string channelPrefix)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddVelithon().AddRedisBackplane(proxy is null ? configuration! : $"127.0.0.1:{proxy.Port}", options => options.ChannelPrefix = channelPrefix);
        var app = builder.Build();
        var server = new ScaleOutServer(app, proxy);
        server.Listen(app.Services.GetRequiredService<IMeterFactory>());
        app.MapVelithon();
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal));
        return server;
    }

    private void Listen(IMeterFactory factory)
    {
        // Only this server's meter: the fleet's servers share the process.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Velithon" && ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name.StartsWith("velithon.backplane.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }
    }
}
