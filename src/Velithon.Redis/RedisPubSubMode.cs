namespace Velithon.Redis;

/// <summary>Which Redis pub/sub the backplane uses.</summary>
public enum RedisPubSubMode
{
    /// <summary>
    /// Sharded pub/sub when the server runs in cluster mode, classic otherwise; decided on the first connection to
    /// Redis, and kept for the life of the process.
    /// </summary>
    Auto,

    /// <summary>
    /// <c>SUBSCRIBE</c>/<c>PUBLISH</c>. Works on any Redis; on a cluster every published message is copied to every
    /// node over the cluster bus, so adding shards does not add pub/sub capacity.
    /// </summary>
    Classic,

    /// <summary>
    /// <c>SSUBSCRIBE</c>/<c>SPUBLISH</c> (Redis 7.0 and later): a channel lives on the one shard that owns its hash
    /// slot, so the fleet's topics spread over the cluster's shards. Also works on a Redis 7 that is not a cluster.
    /// </summary>
    Sharded,
}
