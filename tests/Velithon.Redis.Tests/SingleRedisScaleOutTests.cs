namespace Velithon.Redis.Tests;

/// <summary>The scale-out tests on one redis-server with classic pub/sub, shared by the class (each test has its own channel prefix).</summary>
public sealed class SingleRedisScaleOutTests(SingleRedisFixture fixture) : ScaleOutTests, IClassFixture<SingleRedisFixture>
{
    protected override string Configuration => fixture.Redis.Configuration;

    protected override bool ExpectsSharded => false;

    [Fact]
    public async Task ShardedPubSub_ChosenExplicitly_AlsoWorksOnARedisThatIsNotACluster()
    {
        string prefix = "sharded-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await ChatServer.StartAsync(Configuration, prefix, options => options.PubSubMode = RedisPubSubMode.Sharded);
        await using var b = await ChatServer.StartAsync(Configuration, prefix, options => options.PubSubMode = RedisPubSubMode.Sharded);
        Assert.True(b.Backplane.Sharded);
        await using var member = await TestClient.JoinAsync(b, "room");
        await using var ann = await TestClient.MeAsync(b, "ann");

        await a.Hub.Group("room").SendTextAsync("to the room");
        await a.Hub.User("ann").SendTextAsync("to ann");
        await a.Hub.Connection(ann.ConnectionId).SendTextAsync("to ann's connection");
        Assert.Equal("to the room", await member.ReceiveAsync());
        Assert.Equal(["to ann", "to ann's connection"], (await ann.ReceiveAsync(2)).Order());
    }
}
