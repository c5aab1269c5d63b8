using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Velithon;

namespace Velithon.Runtime.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with two dynamic ports, one for HTTP/1.1 and one for HTTP/2
/// (cleartext, prior knowledge), serving this assembly's generated routes.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public const int MaxMessageSize = 64 * 1024;

    private readonly WebApplication _app;
    private readonly ListenOptions _http1;
    private readonly ListenOptions _http2;

    private TestServer(WebApplication app, ListenOptions http1, ListenOptions http2)
    {
        _app = app;
        _http1 = http1;
        _http2 = http2;
    }

    public Uri Http1Base => new($"ws://127.0.0.1:{_http1.IPEndPoint!.Port}");

    public Uri Http2Base => new($"ws://127.0.0.1:{_http2.IPEndPoint!.Port}");

    public Uri HttpBase => new($"http://127.0.0.1:{_http1.IPEndPoint!.Port}");

    public Probe Probe => _app.Services.GetRequiredService<Probe>();

    public EventRecorder Recorder => _app.Services.GetRequiredService<EventRecorder>();

    /// <summary>The accepted connections the runtime still tracks.</summary>
    public int TrackedConnections => _app.Services.GetRequiredService<IWebSocketHub>().ConnectionCount;

    public CapturedLogs Logs => _app.Services.GetRequiredService<CapturedLogs>();

    public IServiceProvider Services => _app.Services;

    public IWebSocketHub Hub => _app.Services.GetRequiredService<IWebSocketHub>();

    public Uri Url(string pathAndQuery) => new(Http1Base, pathAndQuery);

    public static async Task<TestServer> StartAsync(
        Action<WebApplication>? mapMore = null,
        Action<VelithonOptions>? configure = null,
        Action<Microsoft.AspNetCore.Routing.RouteGroupBuilder>? routeConventions = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        bool sourceGeneratedJsonOnly = true,
        bool testLimits = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        ListenOptions? http1 = null;
        ListenOptions? http2 = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                http1 = listen;
            });
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                http2 = listen;
            });
        });
        ConfigureServices(builder, configure, sourceGeneratedJsonOnly, testLimits);
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        var routes = app.MapVelithon();
        app.MapVelithonClients();
        routeConventions?.Invoke(routes);
        mapMore?.Invoke(app);
        await app.StartAsync();
        return new TestServer(app, http1!, http2!);
    }

    /// <summary>The services every test server has, in memory or on Kestrel.</summary>
    /// <param name="testLimits">Whether code sets the message size and close timeout the tests expect; off to see configuration alone.</param>
    public static void ConfigureServices(WebApplicationBuilder builder, Action<VelithonOptions>? configure = null, bool sourceGeneratedJsonOnly = true, bool testLimits = true)
    {
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton(logs);
        builder.Services.AddSingleton<Probe>();
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddVelithon(options =>
        {
            if (testLimits)
            {
                options.MaxMessageSize = MaxMessageSize;
                options.CloseTimeout = TimeSpan.FromSeconds(5);
            }

            configure?.Invoke(options);
        });
        if (sourceGeneratedJsonOnly)
        {
            // Only source-generated metadata, as under Native AOT: a type the context lacks must fail clearly.
            builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolver = GameJsonContext.Default);
        }
        builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddSingleton<EventRecorder>();
        builder.Services.AddScoped<ConnectionScope>();
        builder.Services.AddSingleton<Sessions.SessionTracker>();
    }

    /// <summary>Stops the host as a shutdown would, without disposing it.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>How a connection ended, as the server-side handler saw it.</summary>
public sealed record Ending(int Code, string Reason, WebSocketState ClientState, bool AbortedFired);

/// <summary>Lets handlers report what they saw; tests wait for the reports by key.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Ending>> _endings = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();
    private int _running;

    /// <summary>How many handlers that report it are running now.</summary>
    public int Running => Volatile.Read(ref _running);

    public void Started() => Interlocked.Increment(ref _running);

    public void Finished() => Interlocked.Decrement(ref _running);

    public void Record(string key, Ending ending) => Slot(key).TrySetResult(ending);

    public Task<Ending> WaitAsync(string key) => Slot(key).Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Lets a handler waiting in <see cref="WaitForSignalAsync"/> go on.</summary>
    public void Signal(string key) => SignalSlot(key).TrySetResult();

    public Task WaitForSignalAsync(string key) => SignalSlot(key).Task.WaitAsync(TimeSpan.FromSeconds(30));

    private TaskCompletionSource<Ending> Slot(string key) =>
        _endings.GetOrAdd(key, static _ => new TaskCompletionSource<Ending>(TaskCreationOptions.RunContinuationsAsynchronously));

    private TaskCompletionSource SignalSlot(string key) =>
        _signals.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>
/// Collects the server's log entries so tests can assert what was logged. The host's filter decides the levels
/// (Information by default; a test that checks Debug lines sets the minimum level).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> _entries = new();
    private readonly Lock _waitersLock = new();
    private readonly List<(Func<(string Category, LogLevel Level, string Message, Exception? Exception), bool> Match, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyCollection<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries => _entries;

    /// <summary>The messages of the entries at <paramref name="level"/> from the Velithon runtime.</summary>
    public IReadOnlyList<string> Messages(LogLevel level) =>
        [.. _entries.Where(entry => entry.Level == level && entry.Category.StartsWith("Velithon", StringComparison.Ordinal)).Select(entry => entry.Message)];

    /// <summary>Completes when an entry matching <paramref name="match"/> has been logged (or already was).</summary>
    public Task WaitForAsync(Func<(string Category, LogLevel Level, string Message, Exception? Exception), bool> match)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
        {
            _waiters.Add((match, done));
        }

        if (_entries.Any(match))
        {
            done.TrySetResult();
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private void Add((string Category, LogLevel Level, string Message, Exception? Exception) entry)
    {
        _entries.Enqueue(entry);
        lock (_waitersLock)
        {
            foreach (var (match, done) in _waiters)
            {
                if (match(entry))
                {
                    done.TrySetResult();
                }
            }
        }
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Add((category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
