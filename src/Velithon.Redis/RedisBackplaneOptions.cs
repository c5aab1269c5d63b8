using System;
using StackExchange.Redis;

namespace Velithon.Redis;

/// <summary>Options of the Redis backplane.</summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>
    /// The StackExchange.Redis configuration string, for example <c>localhost:6379</c> or
    /// <c>redis.internal:6379,password=...,ssl=true</c>.
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>
    /// The prefix of the pub/sub channels (<c>{prefix}:all</c>, <c>{prefix}:g:{group}</c>, <c>{prefix}:u:{user}</c>,
    /// <c>{prefix}:s:{server}</c>). Applications that share a Redis server and must not see each other's messages
    /// need different prefixes. On a cluster, a prefix with a hash tag (<c>{...}</c>) would put every channel on one
    /// shard. Default: <c>velithon</c>.
    /// </summary>
    public string ChannelPrefix { get; set; } = "velithon";

    /// <summary>
    /// Classic or sharded pub/sub. Default: <see cref="RedisPubSubMode.Auto"/>, sharded when Redis runs in cluster mode.
    /// Every server of an application must use the same mode: a sharded and a classic channel of the same name do not meet.
    /// </summary>
    public RedisPubSubMode PubSubMode { get; set; } = RedisPubSubMode.Auto;

    /// <summary>Adjusts the parsed StackExchange.Redis options (timeouts, TLS, credentials) before connecting.</summary>
    public Action<ConfigurationOptions>? ConfigureConnection { get; set; }
}
