using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Velithon.Scaling;

namespace Velithon.Redis;

/// <summary>
/// Carries broadcasts between servers over one Redis pub/sub channel. Every server publishes the broadcasts
/// it delivered locally, and delivers to its own connections the broadcasts the others published.
/// </summary>
/// <remarks>
/// While Redis is unreachable, broadcasts still reach the local connections; the outage is logged once
/// when it starts and once when it ends, and StackExchange.Redis reconnects and resubscribes by itself.
/// Broadcasts published during an outage are not replayed: a live channel, not a queue.
/// </remarks>
internal sealed partial class RedisBackplane : WebSocketBackplane, IHostedService, IAsyncDisposable
{
    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly Guid _serverId = Guid.NewGuid();
    private readonly RedisChannel _channel;
    private readonly Lock _lock = new();
    private ConnectionMultiplexer? _connection;
    private ChannelMessageQueue? _subscription;
    private bool _outage;

    public RedisBackplane(IOptions<RedisBackplaneOptions> options, ILogger<RedisBackplane> logger)
    {
        _options = options.Value;
        _logger = logger;
        _channel = RedisChannel.Literal(_options.ChannelPrefix + ":broadcast");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(_options.Configuration);

        // Start even when Redis is down, and fail publishes fast rather than queue them for later:
        // a broadcast that arrives minutes late is worse than one that does not arrive.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _options.ConfigureConnection?.Invoke(configuration);

        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        connection.ConnectionFailed += (_, args) => OnOutage(args.Exception);
        connection.ConnectionRestored += (_, _) => OnRestored();
        _connection = connection;
        await EnsureSubscribedAsync().ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is { } subscription)
        {
            try
            {
                await subscription.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Redis is gone; there is nothing to unsubscribe from.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override ValueTask PublishAsync(BackplaneMessage message, CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null || !connection.IsConnected)
        {
            OnOutage(null);
            return default;
        }

        try
        {
            // Fire and forget: the multiplexer writes in order on its one connection, and the broadcaster
            // does not wait a round trip. A write that fails shows up as a ConnectionFailed event.
            connection.GetSubscriber().Publish(_channel, BackplaneEnvelope.Write(_serverId, message), CommandFlags.FireAndForget);
        }
        catch (RedisException exception)
        {
            OnOutage(exception);
        }

        return default;
    }

    private async Task EnsureSubscribedAsync()
    {
        if (_subscription is not null || _connection is not { } connection)
        {
            return;
        }

        try
        {
            // A message queue, not a callback: messages are handled one at a time, in the order published.
            var subscription = await connection.GetSubscriber().SubscribeAsync(_channel).ConfigureAwait(false);
            subscription.OnMessage(OnMessage);
            _subscription = subscription;
        }
        catch (RedisException exception)
        {
            // Retried when the connection is restored.
            OnOutage(exception);
        }
    }

    private void OnMessage(ChannelMessage message)
    {
        if (!BackplaneEnvelope.TryRead((ReadOnlyMemory<byte>)message.Message, out var serverId, out var broadcast))
        {
            Log.UnreadableMessage(_logger, _channel.ToString());
            return;
        }

        if (serverId != _serverId)
        {
            DeliverLocally(broadcast);
        }
    }

    private void OnOutage(Exception? exception)
    {
        lock (_lock)
        {
            if (_outage)
            {
                return;
            }

            _outage = true;
        }

        Log.Unreachable(_logger, exception);
    }

    private void OnRestored()
    {
        lock (_lock)
        {
            if (!_outage)
            {
                return;
            }

            _outage = false;
        }

        Log.Restored(_logger);
        _ = EnsureSubscribedAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Redis is unreachable: broadcasts reach only this server's connections until it returns.", EventName = "RedisUnreachable")]
        public static partial void Unreachable(ILogger logger, Exception? exception);

        [LoggerMessage(2, LogLevel.Information, "Redis is reachable again: broadcasts reach every server.", EventName = "RedisRestored")]
        public static partial void Restored(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "A message on the Redis channel {Channel} is not a Velithon broadcast; it is ignored.", EventName = "UnreadableMessage")]
        public static partial void UnreadableMessage(ILogger logger, string channel);
    }
}
