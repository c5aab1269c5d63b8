namespace Velithon.Redis.Tests;

/// <summary>The scale-out tests on a three-node Redis Cluster with sharded pub/sub, shared by the class.</summary>
public sealed class ClusterScaleOutTests(RedisClusterFixture fixture) : ScaleOutTests, IClassFixture<RedisClusterFixture>
{
    protected override string Configuration => fixture.Cluster.Configuration;

    protected override bool ExpectsSharded => true;

    [Fact]
    public async Task GroupTopics_SpreadOverTheShards()
    {
        // A sharded channel lives on the node that owns its hash slot: two dozen rooms land on every node.
        await using var server = await StartServerAsync();
        var members = new List<TestClient>();
        try
        {
            for (int i = 0; i < 24; i++)
            {
                members.Add(await TestClient.JoinAsync(server, $"room{i}"));
            }

            var perNode = new List<int>();
            foreach (var node in fixture.Cluster.Nodes)
            {
                var channels = await RedisCli.RunAsync(["-p", node.Port.ToString(), "PUBSUB", "SHARDCHANNELS", Prefix + ":g:*"]);
                perNode.Add(channels.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            }

            Assert.Equal(24, perNode.Sum());
            Assert.All(perNode, count => Assert.True(count > 0, $"rooms per node: {string.Join(", ", perNode)}"));
        }
        finally
        {
            foreach (var member in members)
            {
                await member.DisposeAsync();
            }
        }
    }
}
