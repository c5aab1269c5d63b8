using System;
using System.Threading;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Velithon.Limits;

namespace Velithon.Routing;

/// <summary>
/// The limits and deadlines one route's connections live by: <see cref="VelithonOptions"/>, overridden by the
/// policy attributes on its handler, endpoint class or the class of its static handlers
/// (<see cref="MaxMessageSizeAttribute"/>, <see cref="IdleTimeoutAttribute"/>, <see cref="KeepAliveAttribute"/>,
/// <see cref="SendTimeoutAttribute"/>, <see cref="BroadcastQueueAttribute"/>, <see cref="MessageRateLimitAttribute"/>,
/// <see cref="AllowedOriginsAttribute"/>, <see cref="MaxConnectionsAttribute"/>, <see cref="InvalidMessagesAttribute"/>), which reach the endpoint's metadata
/// through the generated route table. Resolved once per route.
/// </summary>
internal sealed class RoutePolicy
{
    private int _connections;

    private RoutePolicy(VelithonOptions options)
    {
        MaxMessageSize = options.MaxMessageSize;
        IdleTimeout = options.IdleTimeout;
        KeepAliveInterval = options.KeepAliveInterval;
        KeepAliveTimeout = options.KeepAliveTimeout;
        SendTimeout = options.SendTimeout;
        BroadcastQueueLimit = options.BroadcastQueueLimit;
        SlowConsumerPolicy = options.SlowConsumerPolicy;
        OriginPolicy = new OriginPolicy(options.AllowedOrigins, nameof(VelithonOptions.AllowedOrigins));
        MessageRateLimit = MessageRateLimit.From(options.MessageRateLimit);
        InvalidMessageBehavior = options.InvalidMessageBehavior;
    }

    /// <summary>The largest message, in bytes, after reassembly and decompression.</summary>
    public int MaxMessageSize { get; private set; }

    /// <summary>How long a connection may go without a message; zero: no limit.</summary>
    public TimeSpan IdleTimeout { get; private set; }

    /// <summary>How long a connection may be silent before it is pinged; zero: no pings.</summary>
    public TimeSpan KeepAliveInterval { get; private set; }

    /// <summary>How long a ping may stay unanswered; zero: no deadline.</summary>
    public TimeSpan KeepAliveTimeout { get; private set; }

    /// <summary>How long one send may wait for the peer; zero: no limit.</summary>
    public TimeSpan SendTimeout { get; private set; }

    /// <summary>How many broadcasts may wait for one connection.</summary>
    public int BroadcastQueueLimit { get; private set; }

    /// <summary>What a broadcast does for a connection whose queue is full.</summary>
    public SlowConsumerPolicy SlowConsumerPolicy { get; private set; }

    /// <summary>The origins whose browsers may connect.</summary>
    public OriginPolicy OriginPolicy { get; private set; }

    /// <summary>The per-connection message rate limit; null for none.</summary>
    public MessageRateLimit? MessageRateLimit { get; private set; }

    /// <summary>The most connections this route holds at once; null for no limit of its own.</summary>
    public int? MaxConnections { get; private set; }

    /// <summary>What the route does with a message it cannot dispatch (a contract's, or a <c>[JsonMessages]</c> endpoint's).</summary>
    public InvalidMessageBehavior InvalidMessageBehavior { get; private set; }

    /// <summary>The route's resumable sessions (docs/resumable-sessions.md); null when its connections are not resumable.</summary>
    public ResumableSessionAttribute? Resumable { get; private set; }

    /// <summary>Whether connections note when each message arrives (only the idle timeout needs that clock read).</summary>
    public bool TracksIdleTime => IdleTimeout > TimeSpan.Zero;

    /// <summary>The policy of routes without policy attributes: the options as they are.</summary>
    public static RoutePolicy FromOptions(VelithonOptions options) => new(options);

    /// <summary>
    /// The policy of <paramref name="endpoint"/>: <paramref name="defaults"/> itself when its metadata holds no policy
    /// attribute (most routes, which then share one object), else the options with the attributes applied.
    /// </summary>
    public static RoutePolicy For(Endpoint? endpoint, VelithonOptions options, RoutePolicy defaults)
    {
        var metadata = endpoint?.Metadata;
        if (metadata is null)
        {
            return defaults;
        }

        RoutePolicy? policy = null;
        RoutePolicy Own() => policy ??= new RoutePolicy(options);
        if (metadata.GetMetadata<MaxMessageSizeAttribute>() is { } maxMessageSize)
        {
            Own().MaxMessageSize = maxMessageSize.Bytes;
        }

        if (metadata.GetMetadata<IdleTimeoutAttribute>() is { } idle)
        {
            Own().IdleTimeout = TimeSpan.FromMilliseconds(idle.Milliseconds);
        }

        if (metadata.GetMetadata<KeepAliveAttribute>() is { } keepAlive)
        {
            Own().KeepAliveInterval = TimeSpan.FromMilliseconds(keepAlive.IntervalMilliseconds);
            if (keepAlive.TimeoutMilliseconds >= 0)
            {
                policy!.KeepAliveTimeout = TimeSpan.FromMilliseconds(keepAlive.TimeoutMilliseconds);
            }
        }

        if (metadata.GetMetadata<SendTimeoutAttribute>() is { } send)
        {
            Own().SendTimeout = TimeSpan.FromMilliseconds(send.Milliseconds);
        }

        if (metadata.GetMetadata<BroadcastQueueAttribute>() is { } queue)
        {
            Own().BroadcastQueueLimit = queue.Limit;
            policy!.SlowConsumerPolicy = queue.Policy ?? options.SlowConsumerPolicy;
        }

        if (metadata.GetMetadata<MessageRateLimitAttribute>() is { } rate)
        {
            Own().MessageRateLimit = MessageRateLimit.From(new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate.TokenLimit,
                TokensPerPeriod = rate.TokensPerPeriod,
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(rate.ReplenishmentPeriodMilliseconds),
            });
        }

        if (metadata.GetMetadata<AllowedOriginsAttribute>() is { } origins)
        {
            // The build refuses such an entry (VLT0030); one that comes another way (metadata added by hand) fails the
            // route's handshakes with an exception naming it rather than leaving the list quietly shorter.
            Own().OriginPolicy = new OriginPolicy(origins.Origins, $"The [AllowedOrigins] of {endpoint!.DisplayName}");
        }

        if (metadata.GetMetadata<MaxConnectionsAttribute>() is { } maxConnections)
        {
            Own().MaxConnections = maxConnections.Limit;
        }

        if (metadata.GetMetadata<ResumableSessionAttribute>() is { } resumable)
        {
            Own().Resumable = resumable;
        }

        if (metadata.GetMetadata<InvalidMessagesAttribute>() is { } invalidMessages)
        {
            Own().InvalidMessageBehavior = invalidMessages.Behavior;
        }

        return policy ?? defaults;
    }

    /// <summary>Takes one of the route's connection slots; false when the route holds as many as it allows.</summary>
    public bool TryAcquireConnection()
    {
        if (MaxConnections is not { } limit)
        {
            return true;
        }

        if (Interlocked.Increment(ref _connections) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _connections);
        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryAcquireConnection"/>.</summary>
    public void ReleaseConnection()
    {
        if (MaxConnections is not null)
        {
            Interlocked.Decrement(ref _connections);
        }
    }
}
