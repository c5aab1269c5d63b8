namespace Velithon.Redis.Tests;

/// <summary>
/// Two or three Velithon servers of one application sharing groups, users and connections through Redis: each message
/// reaches its recipients on whichever server they are, and only the servers that hold some of them receive it. Run
/// against a single redis-server (<see cref="SingleRedisScaleOutTests"/>) and a three-node Redis Cluster with sharded
/// pub/sub (<see cref="ClusterScaleOutTests"/>). Each test is its own application: its own channel prefix on the
/// class's Redis.
/// </summary>
/// <remarks>
/// No test waits for a subscription with probes or sleeps: joins (<c>AddToGroupAsync</c>) and accepts complete once the
/// subscription is confirmed, which is the guarantee under test. A server that must receive nothing is checked after a
/// later message to everyone reached it; counters the server bumps after delivering are awaited, bounded.
/// </remarks>
public abstract partial class ScaleOutTests
{
    private const string Received = "velithon.backplane.messages.received";
    private const string Delivered = "velithon.backplane.messages.delivered";
    private const string Published = "velithon.backplane.messages.published";
    private const string Subscriptions = "velithon.backplane.subscriptions";

    /// <summary>This test's application: its channel prefix.</summary>
    protected string Prefix { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The StackExchange.Redis configuration of the Redis under test.</summary>
    protected abstract string Configuration { get; }

    /// <summary>Whether <see cref="RedisPubSubMode.Auto"/> should find a cluster there.</summary>
    protected abstract bool ExpectsSharded { get; }

    protected Task<ChatServer> StartServerAsync() => ChatServer.StartAsync(Configuration, Prefix);

    [Fact]
    public async Task PubSubMode_IsChosenFromWhatRedisIs()
    {
        await using var server = await StartServerAsync();
        Assert.Equal(ExpectsSharded, server.Backplane.Sharded);
    }

    [Fact]
    public async Task GroupMessage_ReachesOnlyTheServerWithMembers_InOrder_FromTheFirstMessageAfterTheJoin()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await using var c = await StartServerAsync();
        await using var alice = await TestClient.MeAsync(a);
        await using var bob = await TestClient.MeAsync(b);
        await using var carol = await TestClient.JoinAsync(c, "blue");
        await using var dave = await TestClient.JoinAsync(c, "blue");

        // No probe: the join completed after C's subscription was confirmed, so the very next message arrives.
        var expected = Enumerable.Range(0, 50).Select(i => $"m{i}").ToList();
        foreach (var text in expected)
        {
            Assert.Equal(0, await a.Hub.Group("blue").SendTextAsync(text));
        }

        Assert.Equal(expected, await carol.ReceiveAsync(50));
        Assert.Equal(expected, await dave.ReceiveAsync(50));

        // A and B hold no member: Redis never sends them the room's messages, as the counters show once a later
        // message to everyone has reached them.
        await a.Hub.All.SendTextAsync("marker");
        foreach (var client in new[] { alice, bob, carol, dave })
        {
            Assert.Empty(await client.ReceiveUntilAsync("marker"));
        }

        Assert.Equal(50, a.Metrics.Total(Published, "group"));
        await c.Metrics.WaitForTotalAsync(Delivered, "group", 50);
        Assert.Equal(50, c.Metrics.Total(Received, "group"));
        Assert.Equal(0, b.Metrics.Total(Received, "group"));
        Assert.Equal(0, a.Metrics.Total(Received, "group"));
        Assert.Equal([0, 0, 1], new[] { a, b, c }.Select(server => server.Metrics.Total(Subscriptions, "group")));

        // One subscription each to everyone's topic and to the server's own, held for the server's life.
        Assert.All(new[] { a, b, c }, server => Assert.Equal(1, server.Metrics.Total(Subscriptions, "all")));
        Assert.All(new[] { a, b, c }, server => Assert.Equal(1, server.Metrics.Total(Subscriptions, "server")));
    }

    [Fact]
    public async Task ClientMessage_RelayedByItsServer_ReachesTheRoomEverywhere_AndNoOtherRoom()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await using var alice = await TestClient.JoinAsync(a, "red");
        await using var bob = await TestClient.JoinAsync(b, "red");
        await using var carol = await TestClient.JoinAsync(b, "green");

        await bob.SendAsync("hello from B");
        Assert.Equal("hello from B", await alice.ReceiveAsync());
        Assert.Equal("hello from B", await bob.ReceiveAsync());

        await a.Hub.All.SendTextAsync("everyone");
        Assert.Equal("everyone", await alice.ReceiveAsync());
        Assert.Equal("everyone", await bob.ReceiveAsync());
        Assert.Equal("everyone", await carol.ReceiveAsync());
    }

    [Fact]
    public async Task UserMessage_ReachesEveryConnectionOfTheUser_OnEveryServer()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await using var c = await StartServerAsync();
        await using var annOnA = await TestClient.MeAsync(a, "ann");
        await using var annOnB = await TestClient.MeAsync(b, "ann");
        await using var bob = await TestClient.MeAsync(c, "bob");

        // Accept waited for each server's subscription to Ann's topic, so this reaches both of her connections.
        Assert.Equal(0, await c.Hub.User("ann").SendTextAsync("hi ann"));
        Assert.Equal("hi ann", await annOnA.ReceiveAsync());
        Assert.Equal("hi ann", await annOnB.ReceiveAsync());

        // From a server where she is too: delivered here, and carried to the other.
        Assert.Equal(1, await a.Hub.User("ann").SendTextAsync("from a"));
        Assert.Equal("from a", await annOnA.ReceiveAsync());
        Assert.Equal("from a", await annOnB.ReceiveAsync());

        await c.Hub.Connection(bob.ConnectionId).SendTextAsync("marker");
        Assert.Empty(await bob.ReceiveUntilAsync("marker"));
        Assert.Equal(0, c.Metrics.Total(Received, "user"));
        await a.Metrics.WaitForTotalAsync(Delivered, "user", 1);
        await b.Metrics.WaitForTotalAsync(Delivered, "user", 2);
        Assert.Equal([1, 1, 1], new[] { a, b, c }.Select(server => server.Metrics.Total(Subscriptions, "user")));
    }

    [Fact]
    public async Task ConnectionMessage_ReachesTheOneConnection_OnlyThroughItsServer()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await using var c = await StartServerAsync();
        await using var alice = await TestClient.MeAsync(a);
        await using var bob = await TestClient.MeAsync(b);

        Assert.Equal(0, await c.Hub.Connection(alice.ConnectionId).SendTextAsync("psst"));
        Assert.Equal("psst", await alice.ReceiveAsync());

        // Its own server delivers it without Redis.
        Assert.Equal(1, await a.Hub.Connection(alice.ConnectionId).SendTextAsync("local"));
        Assert.Equal("local", await alice.ReceiveAsync());

        await b.Hub.Connection(bob.ConnectionId).SendTextAsync("marker");
        Assert.Empty(await bob.ReceiveUntilAsync("marker"));
        Assert.Equal(1, c.Metrics.Total(Published, "server"));
        Assert.Equal(0, a.Metrics.Total(Published, "server"));
        await a.Metrics.WaitForTotalAsync(Delivered, "server", 1);
        Assert.Equal(0, b.Metrics.Total(Received, "server"));
        Assert.Equal(0, c.Metrics.Total(Received, "server"));
    }

    [Fact]
    public async Task LastMemberLeavingAsAnotherJoins_TheJoinerGetsEveryMessagePublishedAfterItsJoin()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await using var x = await TestClient.MeAsync(b);
        await using var y = await TestClient.MeAsync(b);
        var xSocket = b.Hub.GetConnections().Single(socket => socket.ConnectionId == x.ConnectionId);
        var ySocket = b.Hub.GetConnections().Single(socket => socket.ConnectionId == y.ConnectionId);

        // Each round the group's last member on B leaves and another joins at once: B unsubscribes and subscribes
        // again, in that order, and the join completes only after the new subscription is confirmed.
        for (int i = 0; i < 30; i++)
        {
            var (leaving, joining, joiner) = i % 2 == 0 ? (xSocket, ySocket, y) : (ySocket, xSocket, x);
            b.Hub.RemoveFromGroup(leaving, "turns");
            Assert.True(await b.Hub.AddToGroupAsync(joining, "turns"));
            Assert.Equal(0, await a.Hub.Group("turns").SendTextAsync($"r{i}"));
            Assert.Equal($"r{i}", await joiner.ReceiveAsync());
        }

        await b.Hub.All.SendTextAsync("marker");
        Assert.Empty(await x.ReceiveUntilAsync("marker"));
        Assert.Empty(await y.ReceiveUntilAsync("marker"));
        Assert.Equal(1, b.Metrics.Total(Subscriptions, "group"));
    }

    [Fact]
    public async Task MemberWhoStays_ReceivesEveryMessageInOrder_WhileAnotherJoinsAndLeavesMeanwhile()
    {
        await using var a = await StartServerAsync();
        await using var b = await StartServerAsync();
        await using var stays = await TestClient.JoinAsync(b, "busy");
        await using var churns = await TestClient.MeAsync(b);
        var churnSocket = b.Hub.GetConnections().Single(socket => socket.ConnectionId == churns.ConnectionId);

        var expected = Enumerable.Range(0, 300).Select(i => $"m{i}").ToList();
        var publishing = Task.Run(async () =>
        {
            foreach (var text in expected)
            {
                await a.Hub.Group("busy").SendTextAsync(text);
            }
        });
        int rounds = 0;
        while (!publishing.IsCompleted || rounds == 0)
        {
            Assert.True(await b.Hub.AddToGroupAsync(churnSocket, "busy"));
            Assert.True(b.Hub.RemoveFromGroup(churnSocket, "busy"));
            rounds++;
        }

        await publishing;
        Assert.Equal(expected, await stays.ReceiveAsync(300));

        // The member who stayed kept B's subscription: subscribed once, never dropped.
        Assert.Equal(1, b.Metrics.Increments(Subscriptions, "group"));
        Assert.Equal(1, b.Metrics.Total(Subscriptions, "group"));
    }
}
