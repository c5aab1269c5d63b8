using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Velithon.Redis.Tests;

/// <summary>Chat rooms: every text message goes to the room, on whichever server its members are.</summary>
public static class Rooms
{
    [WebSocket("/rooms/<room>")]
    public static async Task Room(WebSocket ws, string room, IWebSocketHub hub)
    {
        await ws.AcceptAsync();

        // "joined" means joined on every server: the room's messages from the others reach this connection from now on.
        await hub.AddToGroupAsync(ws, room);
        await ws.SendTextAsync("joined");
        await foreach (var text in ws.ReceiveTextMessagesAsync())
        {
            await hub.Group(room).SendTextAsync(text);
        }
    }

    /// <summary>
    /// Says who the connection is, <c>me {connection id} {user id or -}</c>, then only listens. The user id comes from
    /// the query's <c>user</c> (see <see cref="ChatServer"/>); accept waited for the user's topic.
    /// </summary>
    [WebSocket("/me")]
    public static async Task Me(WebSocket ws)
    {
        await ws.AcceptAsync();
        await ws.SendTextAsync($"me {ws.ConnectionId} {ws.UserId ?? "-"}");
        await foreach (var _ in ws.ReceiveTextMessagesAsync())
        {
        }
    }
}

/// <summary>One Velithon server of an application of several, on Kestrel at 127.0.0.1 with a dynamic port, using the Redis backplane.</summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatServer(WebApplication app, Uri baseUri, LogCollector logs, MetricRecorder metrics)
    {
        _app = app;
        BaseUri = baseUri;
        Logs = logs;
        Metrics = metrics;
    }

    public Uri BaseUri { get; }

    public LogCollector Logs { get; }

    /// <summary>This server's Velithon meter, from before its first connection.</summary>
    public MetricRecorder Metrics { get; }

    public IWebSocketHub Hub => _app.Services.GetRequiredService<IWebSocketHub>();

    public IWebSocketPresence Presence => _app.Services.GetRequiredService<IWebSocketPresence>();

    internal RedisBackplane Backplane => _app.Services.GetRequiredService<RedisBackplane>();

    /// <param name="redisConfiguration">The StackExchange.Redis configuration.</param>
    /// <param name="channelPrefix">The application's channel prefix: servers with the same one form one application.</param>
    /// <param name="configure">Further backplane options.</param>
    /// <param name="timeProvider">The application's clock (the backplane's retry timer runs on it), when not the system's.</param>
    /// <param name="velithon">Further Velithon options, such as the presence timeout.</param>
    public static async Task<ChatServer> StartAsync(string redisConfiguration, string channelPrefix = "velithon", Action<RedisBackplaneOptions>? configure = null, TimeProvider? timeProvider = null, Action<VelithonOptions>? velithon = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var logs = new LogCollector();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        builder.Services
            .AddVelithon(options =>
            {
                options.UserIdProvider = static ws => ws.Query["user"] is { Count: > 0 } user ? user.ToString() : null;
                velithon?.Invoke(options);
            })
            .AddRedisBackplane(redisConfiguration, options =>
            {
                options.ChannelPrefix = channelPrefix;
                options.ConfigureConnection = connection =>
                {
                    // Find a restarted Redis quickly.
                    connection.ConnectRetry = 1;
                    connection.ReconnectRetryPolicy = new StackExchange.Redis.LinearRetry(200);
                };
                configure?.Invoke(options);
            });
        var app = builder.Build();

        // Before MapVelithon, which creates the hub and with it the lifelong subscriptions.
        var metrics = new MetricRecorder(app.Services);
        app.MapVelithon();
        await app.StartAsync();
        return new ChatServer(app, new Uri(app.Urls.First().Replace("http://", "ws://")), logs, metrics);
    }

    public Uri Url(string path) => new(BaseUri, path);

    public async ValueTask DisposeAsync()
    {
        Metrics.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Keeps the server's log entries, so tests can count how often something was logged.</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string EventName, string Message)> _entries = new();

    public IReadOnlyCollection<(LogLevel Level, string EventName, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, string, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue((logLevel, eventId.Name ?? "", formatter(state, exception)));
            }
        }
    }
}
