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
        hub.AddToGroup(ws, room);
        await ws.SendTextAsync("joined");
        await foreach (var text in ws.ReceiveTextMessagesAsync())
        {
            await hub.Group(room).SendTextAsync(text);
        }
    }
}

/// <summary>One Velithon server of a two-server application, on Kestrel at 127.0.0.1 with a dynamic port, using the Redis backplane.</summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatServer(WebApplication app, Uri baseUri, LogCollector logs)
    {
        _app = app;
        BaseUri = baseUri;
        Logs = logs;
    }

    public Uri BaseUri { get; }

    public LogCollector Logs { get; }

    public IWebSocketHub Hub => _app.Services.GetRequiredService<IWebSocketHub>();

    public static async Task<ChatServer> StartAsync(string redisConfiguration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var logs = new LogCollector();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddVelithon().AddRedisBackplane(redisConfiguration, options =>
            options.ConfigureConnection = connection =>
            {
                // Find a restarted Redis quickly.
                connection.ConnectRetry = 1;
                connection.ReconnectRetryPolicy = new StackExchange.Redis.LinearRetry(200);
            });
        var app = builder.Build();
        app.MapVelithon();
        await app.StartAsync();
        return new ChatServer(app, new Uri(app.Urls.First().Replace("http://", "ws://")), logs);
    }

    public Uri Url(string path) => new(BaseUri, path);

    public async ValueTask DisposeAsync()
    {
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
