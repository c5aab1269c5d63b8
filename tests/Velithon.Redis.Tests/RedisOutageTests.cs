using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Velithon.Redis.Tests;

/// <summary>
/// Servers whose Redis dies and comes back, or is not there yet when they start: local delivery goes on, the outage is
/// logged once, and every subscription (held, or asked for meanwhile) is back when Redis is. Each test has its own
/// redis-server, which it kills. Recovery is asynchronous, so these tests probe until a message gets through, bounded.
/// </summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Timeout = TestClient.Timeout;

    [Fact]
    public async Task RedisOutage_KeepsLocalDelivery_LogsOnce_AndEverySubscriptionComesBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var serverA = await ChatServer.StartAsync(redis.Configuration);
        await using var serverB = await ChatServer.StartAsync(redis.Configuration);
        await using var alice = await TestClient.JoinAsync(serverA, "green");
        await using var bob = await TestClient.JoinAsync(serverB, "green");
        await using var ann = await TestClient.MeAsync(serverB, "ann");
        await using var lateMember = await TestClient.MeAsync(serverB);
        var lateSocket = serverB.Hub.GetConnections().Single(socket => socket.ConnectionId == lateMember.ConnectionId);

        await redis.KillAsync();
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            // Keep broadcasting through the outage: every one is delivered locally, and it is logged once.
            for (int i = 0; !timeout.IsCancellationRequested; i++)
            {
                Assert.Equal(1, await serverA.Hub.Group("green").SendTextAsync($"local{i}"));
                Assert.Equal($"local{i}", await alice.ReceiveAsync());
                if (i >= 20 && Count(serverA, "RedisUnreachable") == 1 && Count(serverB, "RedisUnreachable") == 1)
                {
                    break;
                }

                await Task.Delay(20, timeout.Token);
            }
        }

        Assert.Equal(1, Count(serverA, "RedisUnreachable"));
        Assert.Contains(serverA.Logs.Entries, entry => entry.EventName == "RedisUnreachable" && entry.Level == LogLevel.Warning);

        // A join during the outage does not wait for Redis; its subscription is made when Redis returns.
        Assert.True(await serverB.Hub.AddToGroupAsync(lateSocket, "late").AsTask().WaitAsync(Timeout));

        await redis.RestartAsync();
        bob.Clear();
        await WaitUntilReachedAsync(text => serverA.Hub.Group("green").SendTextAsync(text), bob, "probe-group");
        await WaitUntilReachedAsync(text => serverA.Hub.User("ann").SendTextAsync(text), ann, "probe-user");
        await WaitUntilReachedAsync(text => serverA.Hub.Connection(ann.ConnectionId).SendTextAsync(text), ann, "probe-connection");
        await WaitUntilReachedAsync(text => serverA.Hub.Group("late").SendTextAsync(text), lateMember, "probe-late");
        Assert.Equal(1, Count(serverA, "RedisUnreachable"));
        Assert.Equal(1, Count(serverA, "RedisRestored"));

        await serverA.Hub.Group("green").SendTextAsync("after the outage");
        Assert.Equal("after the outage", (await bob.ReceiveAfterProbesAsync(1)).Single());
    }

    [Fact]
    public async Task ServerStartedWhileRedisIsDown_ServesLocally_AndSubscribesWhenRedisComes()
    {
        await using var redis = RedisServer.Create();
        await using var serverB = await ChatServer.StartAsync(redis.Configuration);
        Assert.Null(serverB.Backplane.Sharded);
        await using var bob = await TestClient.JoinAsync(serverB, "early");
        Assert.Equal(1, await serverB.Hub.Group("early").SendTextAsync("local"));
        Assert.Equal("local", await bob.ReceiveAsync());

        await redis.RestartAsync();
        await using var serverA = await ChatServer.StartAsync(redis.Configuration);
        await WaitUntilReachedAsync(text => serverA.Hub.Group("early").SendTextAsync(text), bob, "probe");
        Assert.False(serverB.Backplane.Sharded);
    }

    [Fact]
    public async Task SubscriptionRedisRefuses_WhileReachable_IsTriedAgainOnTheRetryTimer_UntilRedisAllowsIt()
    {
        // An ACL user that may use everyone's and the servers' channels but no group's: Redis answers SUBSCRIBE to a
        // group with NOPERM while the connection stays up, as it would a timeout; no connection event will come.
        await using var redis = await RedisServer.StartAsync();
        const string Prefix = "acl";
        await RedisCli.RunAsync(["-p", redis.Port.ToString(), "ACL", "SETUSER", "app", "on", ">secret", "~*", "+@all",
            "resetchannels", $"&{Prefix}:all", $"&{Prefix}:s:*", "&__Booksleeve_MasterChanged"]);
        string configuration = redis.Configuration + ",user=app,password=secret";
        var clock = new FakeTimeProvider();
        await using var serverA = await ChatServer.StartAsync(configuration, Prefix);
        await using var serverB = await ChatServer.StartAsync(configuration, Prefix, timeProvider: clock);

        // The join does not fail or hang: local members are members, and B waits to subscribe.
        await using var member = await TestClient.JoinAsync(serverB, "room");
        await RedisCli.RunAsync(["-p", redis.Port.ToString(), "ACL", "SETUSER", "app", $"&{Prefix}:g:*"]);

        // Allowed now, but B has not tried again: A's message to the room reaches no one on B. Everyone's channel is
        // on the same Redis and connection, in order, so the marker after it shows it is not coming.
        await serverA.Hub.Group("room").SendTextAsync("before the retry");
        await serverA.Hub.All.SendTextAsync("marker");
        Assert.Empty(await member.ReceiveUntilAsync("marker"));

        clock.Advance(RedisBackplane.RetryInterval);
        await WaitUntilReachedAsync(text => serverA.Hub.Group("room").SendTextAsync(text), member, "probe");
        Assert.Equal(0, Count(serverB, "RedisUnreachable"));
    }

    private static int Count(ChatServer server, string eventName) =>
        server.Logs.Entries.Count(entry => entry.EventName == eventName);

    /// <summary>
    /// Sends <paramref name="probe"/> until <paramref name="member"/>, on another server, gets one: that subscription is
    /// live again. Earlier probes of other kinds that arrive meanwhile are skipped.
    /// </summary>
    private static async Task WaitUntilReachedAsync(Func<string, ValueTask<int>> send, TestClient member, string probe)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            await send(probe);
            while (await member.TryReceiveAsync(TimeSpan.FromMilliseconds(100)) is { } text)
            {
                if (text == probe)
                {
                    return;
                }

                Assert.StartsWith("probe", text);
            }

            timeout.Token.ThrowIfCancellationRequested();
        }
    }
}
