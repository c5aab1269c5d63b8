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
    /// The prefix of the pub/sub channel. Applications that share a Redis server and must not see each
    /// other's broadcasts need different prefixes. Default: <c>velithon</c>.
    /// </summary>
    public string ChannelPrefix { get; set; } = "velithon";

    /// <summary>Adjusts the parsed StackExchange.Redis options (timeouts, TLS, credentials) before connecting.</summary>
    public Action<ConfigurationOptions>? ConfigureConnection { get; set; }
}
