using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Velithon.Scaling;

namespace Velithon.Redis;

/// <summary>
/// Carries messages between servers over Redis pub/sub, one channel per topic (<see cref="RedisChannels"/>): a server
/// subscribes to the channels of the topics the hub asks for (every connection, its own server, and the groups and
/// users it has connections of), so each message reaches only the servers that hold some of its recipients.
/// </summary>
/// <remarks>
/// <para>
/// Each channel's messages go through one ordered queue (StackExchange.Redis's <see cref="ChannelMessageQueue"/>), so
/// they are delivered in the order Redis received them; two channels are not ordered with each other.
/// </para>
/// <para>
/// While Redis is unreachable, messages still reach the local connections; the outage is logged once when it starts
/// and once when it ends. StackExchange.Redis restores the subscriptions it held when the connection returns; the
/// subscriptions asked for meanwhile, and any that failed while Redis stayed up (a timeout), are made when the
/// connection is restored and retried every few seconds until they succeed. Messages published during an outage are
/// not replayed: a live channel, not a queue.
/// </para>
/// </remarks>
internal sealed partial class RedisBackplane : WebSocketBackplane, IHostedService, IAsyncDisposable
{
    /// <summary>How often subscriptions still waiting for Redis are tried again, on the application's <see cref="TimeProvider"/>.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private const int ModeUnknown = 0;
    private const int ModeClassic = 1;
    private const int ModeSharded = 2;

    private readonly RedisBackplaneOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Guid _origin = Guid.NewGuid();
    private readonly ConcurrentDictionary<BackplaneTopic, RedisSubscription> _subscriptions = new();
    private readonly Lock _lock = new();
    private ConnectionMultiplexer? _connection;
    private ITimer? _retryTimer;
    private int _mode;
    private int _retrying;
    private int _retryRequested;
    private bool _outage;
    private volatile bool _stopped;

    public RedisBackplane(IOptions<RedisBackplaneOptions> options, ILogger<RedisBackplane> logger, TimeProvider timeProvider)
    {
        _options = options.Value;
        _logger = logger;
        _timeProvider = timeProvider;
    }

    /// <summary>Whether the channels are sharded; null until decided on the first connection (<see cref="RedisPubSubMode.Auto"/>).</summary>
    internal bool? Sharded => Volatile.Read(ref _mode) switch
    {
        ModeClassic => false,
        ModeSharded => true,
        _ => null,
    };

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
        _retryTimer = _timeProvider.CreateTimer(static state => ((RedisBackplane)state!).Retry(), this, RetryInterval, RetryInterval);

        // The hub asked for its lifelong topics before the host started this service.
        await SubscribePendingAsync().ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        _retryTimer?.Dispose();
        if (_connection is { } connection)
        {
            try
            {
                await connection.GetSubscriber().UnsubscribeAllAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (IsRedisFailure(exception) || exception is ObjectDisposedException)
            {
                // Redis is gone, or the connection was disposed already: there is nothing to unsubscribe from.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopped = true;
        _retryTimer?.Dispose();
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override ValueTask PublishAsync(BackplaneMessage message, CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null || !connection.IsConnected || ResolveMode(connection) is not { } sharded)
        {
            OnOutage(null);
            return default;
        }

        // A topic this server subscribes to has its channel already; any other is named for the message.
        var channel = _subscriptions.TryGetValue(message.Topic, out var subscription) && subscription.Queue is not null
            ? subscription.Channel
            : RedisChannels.For(_options.ChannelPrefix, message.Topic, sharded);
        try
        {
            // Fire and forget: the multiplexer writes in order on its connection, and the broadcaster does not wait a
            // round trip. A write that fails shows up as a ConnectionFailed event.
            connection.GetSubscriber().Publish(channel, BackplaneEnvelope.Write(_origin, message), CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            OnOutage(exception);
        }

        return default;
    }

    public override bool SupportsPresence => true;

    public override bool IsReachable
    {
        get
        {
            if (_connection is not { IsConnected: true })
            {
                return false;
            }

            lock (_lock)
            {
                return !_outage;
            }
        }
    }

    public override void PublishPresence(string group, ReadOnlySpan<byte> payload)
    {
        var connection = _connection;
        if (connection is null || !connection.IsConnected || ResolveMode(connection) is not { } sharded)
        {
            OnOutage(null);
            return;
        }

        var topic = BackplaneTopic.ForGroup(group);
        var channel = _subscriptions.TryGetValue(topic, out var subscription) && subscription.Queue is not null
            ? subscription.Channel
            : RedisChannels.For(_options.ChannelPrefix, topic, sharded);
        try
        {
            // Fire and forget, in call order on the one connection, as the group's other messages: the runtime calls
            // this in its sequence order, and receivers rely on that order (see PresenceCodec's sequence numbers).
            connection.GetSubscriber().Publish(channel, BackplaneEnvelope.WritePresence(_origin, payload), CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            OnOutage(exception);
        }
    }

    public override async ValueTask SubscribeAsync(BackplaneTopic topic, CancellationToken cancellationToken)
    {
        var subscription = _subscriptions.GetOrAdd(topic, static topic => new RedisSubscription(topic));
        await subscription.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            subscription.Wanted = true;
            if (subscription.Queue is null)
            {
                await TrySubscribeAsync(subscription).ConfigureAwait(false);
            }
        }
        finally
        {
            subscription.Gate.Release();
        }
    }

    public override async ValueTask UnsubscribeAsync(BackplaneTopic topic, CancellationToken cancellationToken)
    {
        if (!_subscriptions.TryGetValue(topic, out var subscription))
        {
            return;
        }

        await subscription.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            subscription.Wanted = false;
            _subscriptions.TryRemove(new KeyValuePair<BackplaneTopic, RedisSubscription>(topic, subscription));
            if (subscription.Queue is { } queue)
            {
                subscription.Queue = null;
                try
                {
                    // Unregisters the queue at once, so StackExchange.Redis does not restore it after an outage,
                    // then sends UNSUBSCRIBE (or SUNSUBSCRIBE).
                    await queue.UnsubscribeAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (IsRedisFailure(exception) || exception is ObjectDisposedException)
                {
                    // Redis is unreachable or the backplane is stopping: its side of the subscription ends with the connection.
                }
            }
        }
        finally
        {
            subscription.Gate.Release();
        }
    }

    /// <summary>Subscribes with the gate held; on failure leaves the subscription waiting for a retry.</summary>
    private async Task TrySubscribeAsync(RedisSubscription subscription)
    {
        if (_stopped || _connection is not { } connection || ResolveMode(connection) is not { } sharded)
        {
            // Not started yet, or Redis has not been reached yet: StartAsync or the restored connection subscribes.
            return;
        }

        var channel = RedisChannels.For(_options.ChannelPrefix, subscription.Topic, sharded);
        var subscriber = connection.GetSubscriber();
        try
        {
            // Completes when Redis confirms the subscription; what it receives from then on waits in the queue
            // until the handler is attached below, so nothing published after the confirmation is missed.
            var queue = await subscriber.SubscribeAsync(channel).ConfigureAwait(false);
            queue.OnMessage(message => OnMessage(subscription.Topic, message));
            subscription.Channel = channel;
            subscription.Queue = queue;
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            // StackExchange.Redis registers the queue before it sends SUBSCRIBE, and would restore that registration
            // after an outage, filling a queue nobody reads. Remove it; the retry makes a new one.
            try
            {
                await subscriber.UnsubscribeAsync(channel).ConfigureAwait(false);
            }
            catch (Exception cleanup) when (IsRedisFailure(cleanup))
            {
                // The registration is gone before the UNSUBSCRIBE is sent, which is all that matters here.
            }

            // An outage is logged once by ConnectionFailed; this is the one subscription's story.
            Log.SubscriptionWaits(_logger, channel.ToString(), exception);
        }
    }

    /// <summary>Subscribes every wanted topic that has no subscription yet, all at once.</summary>
    private async Task SubscribePendingAsync()
    {
        if (_connection is not { } connection || ResolveMode(connection) is null)
        {
            return;
        }

        var pending = new List<Task>();
        foreach (var (_, subscription) in _subscriptions)
        {
            if (subscription.Wanted && subscription.Queue is null)
            {
                pending.Add(SubscribeIfPendingAsync(subscription));
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);

        async Task SubscribeIfPendingAsync(RedisSubscription subscription)
        {
            await subscription.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (subscription.Wanted && subscription.Queue is null)
                {
                    await TrySubscribeAsync(subscription).ConfigureAwait(false);
                }
            }
            finally
            {
                subscription.Gate.Release();
            }
        }
    }

    /// <summary>Decides the mode on the first connection that reached Redis; null while none has.</summary>
    private bool? ResolveMode(ConnectionMultiplexer connection)
    {
        if (Sharded is { } decided)
        {
            return decided;
        }

        int mode;
        switch (_options.PubSubMode)
        {
            case RedisPubSubMode.Classic:
                mode = ModeClassic;
                break;
            case RedisPubSubMode.Sharded:
                mode = ModeSharded;
                break;
            default:
                mode = ModeUnknown;
                foreach (var server in connection.GetServers())
                {
                    if (server.IsConnected)
                    {
                        mode = server.ServerType == ServerType.Cluster ? ModeSharded : ModeClassic;
                        break;
                    }
                }

                if (mode == ModeUnknown)
                {
                    return null;
                }

                break;
        }

        if (Interlocked.CompareExchange(ref _mode, mode, ModeUnknown) == ModeUnknown)
        {
            Log.PubSubMode(_logger, mode == ModeSharded ? "sharded (SSUBSCRIBE/SPUBLISH)" : "classic (SUBSCRIBE/PUBLISH)");
        }

        return Sharded;
    }

    private void OnMessage(BackplaneTopic topic, ChannelMessage message)
    {
        if (topic.Kind == BackplaneTopicKind.Group && BackplaneEnvelope.TryReadPresence((ReadOnlyMemory<byte>)message.Message, out var sender, out var presence))
        {
            if (sender != _origin)
            {
                try
                {
                    DeliverPresence(topic.Name!, presence.Span);
                }
                catch (Exception exception)
                {
                    Log.DeliveryFailed(_logger, message.Channel.ToString(), exception);
                }
            }

            return;
        }

        if (!BackplaneEnvelope.TryRead((ReadOnlyMemory<byte>)message.Message, topic, out var origin, out var received))
        {
            Log.UnreadableMessage(_logger, message.Channel.ToString());
            return;
        }

        if (origin == _origin)
        {
            return;
        }

        try
        {
            DeliverLocally(received);
        }
        catch (Exception exception)
        {
            // The queue's loop would swallow it without a word.
            Log.DeliveryFailed(_logger, message.Channel.ToString(), exception);
        }
    }

    /// <summary>Runs a pass over the waiting subscriptions; one asked for while a pass runs runs after it.</summary>
    private void Retry()
    {
        if (_stopped || _connection is not { IsConnected: true })
        {
            return;
        }

        Volatile.Write(ref _retryRequested, 1);
        if (Interlocked.Exchange(ref _retrying, 1) == 0)
        {
            _ = RetryAsync();
        }

        async Task RetryAsync()
        {
            try
            {
                while (Interlocked.Exchange(ref _retryRequested, 0) == 1 && !_stopped)
                {
                    await SubscribePendingAsync().ConfigureAwait(false);
                }
            }
            catch (Exception exception)
            {
                // A task nobody awaits: its failure is logged, not left unobserved.
                Log.RetryFailed(_logger, exception);
            }
            finally
            {
                Volatile.Write(ref _retrying, 0);
            }

            // A request that came after the loop's last look and before the flag was cleared.
            if (Volatile.Read(ref _retryRequested) == 1)
            {
                Retry();
            }
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
        bool wasOutage;
        lock (_lock)
        {
            wasOutage = _outage;
            _outage = false;
        }

        if (wasOutage)
        {
            Log.Restored(_logger);
        }

        // Also the first connection of a server that started while Redis was down. Each restored connection (the
        // interactive one, the subscription one, each cluster node) triggers a pass; one that finds nothing to do is cheap.
        Retry();
    }

    private static bool IsRedisFailure(Exception exception) => exception is RedisException or TimeoutException;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Redis is unreachable: broadcasts reach only this server's connections until it returns.", EventName = "RedisUnreachable")]
        public static partial void Unreachable(ILogger logger, Exception? exception);

        [LoggerMessage(2, LogLevel.Information, "Redis is reachable again: broadcasts reach every server.", EventName = "RedisRestored")]
        public static partial void Restored(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "A message on the Redis channel {Channel} is not a Velithon broadcast; it is ignored.", EventName = "UnreadableMessage")]
        public static partial void UnreadableMessage(ILogger logger, string channel);

        [LoggerMessage(4, LogLevel.Information, "The Redis backplane uses {Mode} pub/sub.", EventName = "RedisPubSubMode")]
        public static partial void PubSubMode(ILogger logger, string mode);

        [LoggerMessage(5, LogLevel.Error, "Delivering a message from the Redis channel {Channel} failed.", EventName = "DeliveryFailed")]
        public static partial void DeliveryFailed(ILogger logger, string channel, Exception exception);

        [LoggerMessage(6, LogLevel.Debug, "Subscribing to the Redis channel {Channel} failed; it is tried again when the connection is restored and every few seconds.", EventName = "SubscriptionWaits")]
        public static partial void SubscriptionWaits(ILogger logger, string channel, Exception exception);

        [LoggerMessage(7, LogLevel.Error, "Retrying the Redis subscriptions that wait failed.", EventName = "RetryFailed")]
        public static partial void RetryFailed(ILogger logger, Exception exception);
    }
}
