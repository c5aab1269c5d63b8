using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Velithon.Redis.Tests;

/// <summary>
/// Presence across two or three servers: one member per key with its connections on every server, diffs per key, and
/// a server that dies without a word forgotten after the timeout on the fake clock. Each test's servers share one
/// <see cref="FakeTimeProvider"/>, so no heartbeat happens unless the test moves the clock.
/// </summary>
public abstract partial class ScaleOutTests
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PresenceTimeout = TimeSpan.FromSeconds(30);
    private const string PresenceReceived = "velithon.presence.messages.received";

    private Task<ChatServer> StartPresenceServerAsync(FakeTimeProvider clock) =>
        ChatServer.StartAsync(Configuration, Prefix, timeProvider: clock, velithon: options =>
        {
            // Keep-alive off: moving the fake clock past the presence timeout would also pass a ping's deadline
            // before the real client's pong arrives, and end the connection (a race with the test's steps).
            options.KeepAliveInterval = TimeSpan.Zero;
            options.Presence.HeartbeatInterval = Heartbeat;
            options.Presence.Timeout = PresenceTimeout;
        });

    /// <summary>"alice:laptop,phone bob:": each key with its connections' devices, as the server lists them.</summary>
    internal static string Describe(IReadOnlyList<PresenceMember> members) =>
        string.Join(' ', members.Select(member =>
            member.Key + ":" + string.Join(',', member.Connections.Select(c => c.Meta.TryGetValue("device", out var device) ? device : "").Order(StringComparer.Ordinal))));

    /// <summary>Waits, bounded, until the server lists <paramref name="expected"/>: the other servers' changes arrive asynchronously.</summary>
    internal static async Task WaitForListAsync(ChatServer server, string group, string expected)
    {
        using var timeout = new CancellationTokenSource(TestClient.Timeout);
        while (Describe(server.Presence.List(group)) != expected)
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Equal(expected, Describe(server.Presence.List(group)));
            }

            await Task.Delay(10, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Presence_ListsOneMemberPerKeyAcrossServers_AndDiffsOnlyWhenAKeyJoinsOrLeaves()
    {
        var clock = new FakeTimeProvider();
        await using var a = await StartPresenceServerAsync(clock);
        await using var b = await StartPresenceServerAsync(clock);
        await using var c = await StartPresenceServerAsync(clock);

        var alicePhone = await PresenceClient.TrackAsync(a, "lobby", "alice", "phone");
        Assert.Equal("+alice", await alicePhone.ReceiveDiffAsync());

        // Alice's second device, on another server: B sees alice join (its first sight of her), A sees no new join.
        var aliceLaptop = await PresenceClient.TrackAsync(b, "lobby", "alice", "laptop");
        Assert.Equal("+alice", await aliceLaptop.ReceiveDiffAsync());
        await WaitForListAsync(a, "lobby", "alice:laptop,phone");
        await WaitForListAsync(b, "lobby", "alice:laptop,phone");

        // Bob on a third server: he sees himself, then alice from the others' states (once, though two servers hold her).
        await using var bob = await PresenceClient.TrackAsync(c, "lobby", "bob");
        Assert.Equal("+bob", await bob.ReceiveDiffAsync());
        Assert.Equal("+alice", await bob.ReceiveDiffAsync());
        Assert.Equal("+bob", await alicePhone.ReceiveDiffAsync());
        Assert.Equal("+bob", await aliceLaptop.ReceiveDiffAsync());
        foreach (var server in new[] { a, b, c })
        {
            await WaitForListAsync(server, "lobby", "alice:laptop,phone bob:");
        }

        // Her phone's connection is cut: alice keeps her laptop, so nobody sees a leave; then the laptop goes too.
        await alicePhone.DisposeAsync();
        await WaitForListAsync(c, "lobby", "alice:laptop bob:");
        await aliceLaptop.DisposeAsync();
        Assert.Equal("-alice", await bob.ReceiveDiffAsync());
        await WaitForListAsync(a, "lobby", "");
        await WaitForListAsync(c, "lobby", "bob:");
        Assert.Equal(["+alice", "+bob"], alicePhone.RawDiffs.Select(PresenceClient.Summarize));
        Assert.Equal(3, bob.RawDiffs.Count);

        // The leave carries the key's last connection and its metadata.
        using var leave = JsonDocument.Parse(bob.RawDiffs[2]);
        Assert.Equal("lobby", leave.RootElement.GetProperty("group").GetString());
        var last = Assert.Single(leave.RootElement.GetProperty("leaves").GetProperty("alice").EnumerateArray());
        Assert.Equal("laptop", last.GetProperty("meta").GetProperty("device").GetString());
        Assert.Equal(aliceLaptop.ConnectionId, last.GetProperty("connectionId").GetString());
    }

    [Fact]
    public async Task Presence_ServerThatDiesWithoutStopping_IsForgottenByTheOthersAfterTheTimeout_NotBefore()
    {
        var clock = new FakeTimeProvider();
        await using var a = await StartPresenceServerAsync(clock);
        await using var b = await StartPresenceServerAsync(clock);
        await using var d = await StartPresenceServerAsync(clock);
        await using var ann = await PresenceClient.TrackAsync(a, "room", "ann");
        await using var ben = await PresenceClient.TrackAsync(b, "room", "ben");
        await using var dan = await PresenceClient.TrackAsync(d, "room", "dan");
        foreach (var server in new[] { a, b, d })
        {
            await WaitForListAsync(server, "room", "ann: ben: dan:");
        }

        Assert.Equal("+ann", await ann.ReceiveDiffAsync());
        Assert.Equal(["+ben", "+dan"], new[] { await ann.ReceiveDiffAsync(), await ann.ReceiveDiffAsync() }.Order(StringComparer.Ordinal));
        // Ben sees himself first; ann (from A's state) and dan (from D's delta) come from two servers, in either order.
        Assert.Equal("+ben", await ben.ReceiveDiffAsync());
        Assert.Equal(["+ann", "+dan"], new[] { await ben.ReceiveDiffAsync(), await ben.ReceiveDiffAsync() }.Order(StringComparer.Ordinal));

        // D's Redis connection goes away without a stop: no leave is published, its client stays connected to it.
        await d.Backplane.DisposeAsync();

        // Three heartbeats: A and B hear each other each time (awaited, so the sweep never runs ahead of a heartbeat
        // in flight), and D's entries stay, since the timeout has not passed.
        for (int step = 1; step <= 4; step++)
        {
            long heardA = a.Metrics.Tagged(PresenceReceived, "velithon.presence.op", "heartbeat");
            long heardB = b.Metrics.Tagged(PresenceReceived, "velithon.presence.op", "heartbeat");
            clock.Advance(Heartbeat);
            await WaitForTaggedAsync(a, heardA + 1);
            await WaitForTaggedAsync(b, heardB + 1);
            if (step == 3)
            {
                // 30 seconds since D's last word: not more than the timeout.
                Assert.Equal("ann: ben: dan:", Describe(a.Presence.List("room")));
                Assert.Equal("ann: ben: dan:", Describe(b.Presence.List("room")));
            }
        }

        Assert.Equal("-dan", await ann.ReceiveDiffAsync());
        Assert.Equal("-dan", await ben.ReceiveDiffAsync());
        Assert.Equal("ann: ben:", Describe(a.Presence.List("room")));
        Assert.Equal("ann: ben:", Describe(b.Presence.List("room")));
        Assert.Equal(1, a.Metrics.Total("velithon.presence.expired"));

        static async Task WaitForTaggedAsync(ChatServer server, long expected)
        {
            using var timeout = new CancellationTokenSource(TestClient.Timeout);
            while (server.Metrics.Tagged(PresenceReceived, "velithon.presence.op", "heartbeat") < expected)
            {
                await Task.Delay(10, timeout.Token);
            }
        }
    }
}
