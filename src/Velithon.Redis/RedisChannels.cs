using StackExchange.Redis;
using Velithon.Scaling;

namespace Velithon.Redis;

/// <summary>
/// The Redis channel of each topic: <c>{prefix}:all</c>, <c>{prefix}:g:{group}</c>, <c>{prefix}:u:{user id}</c> and
/// <c>{prefix}:s:{server id}</c>. Sharded channels (<c>SSUBSCRIBE</c>/<c>SPUBLISH</c>) on a cluster, where the channel
/// name's hash slot picks the one shard that carries it; classic ones otherwise.
/// </summary>
internal static class RedisChannels
{
    public static RedisChannel For(string prefix, BackplaneTopic topic, bool sharded)
    {
        string name = topic.Kind switch
        {
            BackplaneTopicKind.All => prefix + ":all",
            BackplaneTopicKind.Group => prefix + ":g:" + topic.Name,
            BackplaneTopicKind.User => prefix + ":u:" + topic.Name,
            _ => prefix + ":s:" + topic.Name,
        };
        return sharded ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);
    }
}
