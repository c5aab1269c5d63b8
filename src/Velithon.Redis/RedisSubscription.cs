using System.Threading;
using StackExchange.Redis;
using Velithon.Scaling;

namespace Velithon.Redis;

/// <summary>
/// One topic the hub wants, and its Redis subscription once it has one. Changed only with <see cref="Gate"/> held, so
/// the hub's subscribe and unsubscribe and the retries after an outage never overlap for one topic.
/// </summary>
internal sealed class RedisSubscription(BackplaneTopic topic)
{
    public BackplaneTopic Topic { get; } = topic;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>True from the hub's subscribe to its unsubscribe.</summary>
    public bool Wanted { get; set; }

    /// <summary>The channel, once subscribed (classic or sharded, as the mode decided).</summary>
    public RedisChannel Channel { get; set; }

    /// <summary>
    /// The ordered queue of the channel's messages while Redis has (or StackExchange.Redis restores) the
    /// subscription; <see langword="null"/> while it waits for Redis.
    /// </summary>
    public ChannelMessageQueue? Queue { get; set; }
}
