using Microsoft.Extensions.Time.Testing;

namespace Velithon.Redis.Tests;

/// <summary>
/// Presence through a Redis outage: each server keeps its view (nobody is forgotten for a silence the outage explains,
/// however far the clock moves) and its own changes reach its own members; when Redis returns, the next heartbeats
/// show the others what they missed and they fetch it. Each test has its own redis-server, which it kills.
/// </summary>
public sealed class PresenceOutageTests
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    private static Task<ChatServer> StartAsync(RedisServer redis, FakeTimeProvider clock) =>
        ChatServer.StartAsync(redis.Configuration, timeProvider: clock, velithon: options =>
        {
            // Keep-alive off: moving the fake clock past the presence timeout would also pass a ping's deadline
            // before the real client's pong arrives, and end the connection (a race with the test's steps).
            options.KeepAliveInterval = TimeSpan.Zero;
            options.Presence.HeartbeatInterval = Heartbeat;
            options.Presence.Timeout = TimeSpan.FromSeconds(30);
        });

    [Fact]
    public async Task RedisOutage_EachServerKeepsItsView_AndTheFleetConvergesWhenRedisReturns()
    {
        await using var redis = await RedisServer.StartAsync();
        var clock = new FakeTimeProvider();
        await using var a = await StartAsync(redis, clock);
        await using var b = await StartAsync(redis, clock);
        await using var ann = await PresenceClient.TrackAsync(a, "room", "ann");
        await using var ben = await PresenceClient.TrackAsync(b, "room", "ben");
        await using var bea = await PresenceClient.TrackAsync(b, "room", "bea");
        await ScaleOutTests.WaitForListAsync(a, "room", "ann: bea: ben:");
        await ScaleOutTests.WaitForListAsync(b, "room", "ann: bea: ben:");

        await redis.KillAsync();
        using (var timeout = new CancellationTokenSource(TestClient.Timeout))
        {
            while (a.Backplane.IsReachable || b.Backplane.IsReachable)
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        // Six heartbeats, twice the timeout: nobody is forgotten.
        for (int i = 0; i < 6; i++)
        {
            clock.Advance(Heartbeat);
        }

        Assert.Equal("ann: bea: ben:", ScaleOutTests.Describe(a.Presence.List("room")));
        Assert.Equal("ann: bea: ben:", ScaleOutTests.Describe(b.Presence.List("room")));

        // Changes during the outage are local: B's members see cat join and bea leave, A does not know yet.
        Assert.Equal(["+ann", "+ben", "+bea"], [await ann.ReceiveDiffAsync(), await ann.ReceiveDiffAsync(), await ann.ReceiveDiffAsync()]);
        Assert.Equal(["+ann", "+bea", "+ben"], (await Task.WhenAll(ben.ReceiveDiffAsync(), ben.ReceiveDiffAsync(), ben.ReceiveDiffAsync())).Order(StringComparer.Ordinal));

        await using var cat = await PresenceClient.TrackAsync(b, "room", "cat");
        Assert.Equal("+cat", await ben.ReceiveDiffAsync());
        await bea.DisposeAsync();
        Assert.Equal("-bea", await ben.ReceiveDiffAsync());
        Assert.Equal("ann: bea: ben:", ScaleOutTests.Describe(a.Presence.List("room")));

        // Redis returns. Each heartbeat B sends carries its sequence number, past what A holds: A asks for B's
        // state and applies the difference as one diff. Heartbeats sent before A's subscription is back are lost, so
        // the clock moves a heartbeat at a time until the diff arrives, bounded.
        await redis.RestartAsync();
        using (var timeout = new CancellationTokenSource(TestClient.Timeout))
        {
            string? diff = null;
            while (diff is null)
            {
                timeout.Token.ThrowIfCancellationRequested();
                clock.Advance(Heartbeat);
                diff = await ann.TryReceiveDiffAsync(TimeSpan.FromMilliseconds(500));
            }

            Assert.Equal("+cat -bea", diff);
        }

        Assert.Equal("ann: ben: cat:", ScaleOutTests.Describe(a.Presence.List("room")));
        await ScaleOutTests.WaitForListAsync(b, "room", "ann: ben: cat:");
        Assert.True(a.Metrics.Tagged("velithon.presence.messages.received", "velithon.presence.op", "state") >= 1);
    }
}
