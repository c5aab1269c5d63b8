using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Velithon.Scaling;

namespace Velithon.Runtime.Tests;

/// <summary>
/// What a server asks its backplane to subscribe to, and when: a group's topic from its first member on this server
/// to its last, calls for one topic never overlapping, and joins that wait for the broker's confirmation. The backplane
/// is <see cref="GatedBackplane"/>, whose calls the test completes one by one: no timing decides an outcome.
/// </summary>
public sealed class BackplaneSubscriptionTests
{
    private static readonly BackplaneTopic Room = BackplaneTopic.ForGroup("room");

    private static Task<TestServer> StartAsync(GatedBackplane backplane) =>
        TestServer.StartAsync(configureBuilder: builder => builder.Services.AddSingleton<WebSocketBackplane>(backplane));

    private static string[] Calls(GatedBackplane backplane, BackplaneTopic topic) =>
        [.. backplane.History.Where(call => call.Topic == topic).Select(call => call.Operation)];

    [Fact]
    public async Task Hub_SubscribesToEveryConnectionAndToItsOwnServerForLife()
    {
        var backplane = new GatedBackplane();
        await using var server = await StartAsync(backplane);
        using var connection = await TargetClient.ConnectAsync(server);
        var socket = connection.Socket;

        string serverId = socket.ConnectionId.Split('.')[0];
        Assert.Equal(["subscribe"], Calls(backplane, BackplaneTopic.All));
        Assert.Equal(["subscribe"], Calls(backplane, BackplaneTopic.ForServer(serverId)));
    }

    [Fact]
    public async Task GroupTopic_IsSubscribedByTheFirstMemberAndUnsubscribedAfterTheLast()
    {
        var backplane = new GatedBackplane();
        await using var server = await StartAsync(backplane);
        using var metrics = new MetricRecorder(server);
        using var aliceConnection = await TargetClient.ConnectAsync(server);
        var alice = aliceConnection.Socket;
        using var bobConnection = await TargetClient.ConnectAsync(server);
        var bob = bobConnection.Socket;

        // The backplane completes at once, so each join and leave has made its call when it returns.
        Assert.True(server.Hub.AddToGroup(alice, "room"));
        Assert.True(server.Hub.AddToGroup(bob, "room"));
        Assert.Equal(["subscribe"], Calls(backplane, Room));
        Assert.Equal(1, metrics.Total("velithon.backplane.subscriptions", "velithon.backplane.topic=group"));

        Assert.True(server.Hub.RemoveFromGroup(alice, "room"));
        Assert.Equal(["subscribe"], Calls(backplane, Room));
        Assert.True(server.Hub.RemoveFromGroup(bob, "room"));
        Assert.Equal(["subscribe", "unsubscribe"], Calls(backplane, Room));
        Assert.Equal(0, metrics.Total("velithon.backplane.subscriptions", "velithon.backplane.topic=group"));
        Assert.Empty(server.Hub.GetGroupNames());

        // A member whose connection ends leaves too, and takes the subscription with it.
        Assert.True(server.Hub.AddToGroup(alice, "room"));
        await aliceConnection.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await Client.EventuallyAsync(() => Calls(backplane, Room).Length == 4);
        Assert.Equal(["subscribe", "unsubscribe", "subscribe", "unsubscribe"], Calls(backplane, Room));
        Assert.Equal(0, backplane.Overlaps);
    }

    [Fact]
    public async Task AddToGroupAsync_CompletesOnlyOnceTheBrokerConfirmedTheSubscription()
    {
        var backplane = new GatedBackplane { Holds = topic => topic == Room };
        await using var server = await StartAsync(backplane);
        using var aliceConnection = await TargetClient.ConnectAsync(server);
        var alice = aliceConnection.Socket;
        using var bobConnection = await TargetClient.ConnectAsync(server);
        var bob = bobConnection.Socket;

        var aliceJoins = server.Hub.AddToGroupAsync(alice, "room").AsTask();
        var subscribe = await backplane.NextHeldCallAsync();
        Assert.Equal(("subscribe", Room), (subscribe.Operation, subscribe.Topic));

        // A second member waits for the same subscription; it is not asked for twice. Members are members at once:
        // this server's own broadcasts reach them while the subscription is on its way.
        var bobJoins = server.Hub.AddToGroupAsync(bob, "room").AsTask();
        Assert.Equal(2, server.Hub.GetMemberCount("room"));
        Assert.False(aliceJoins.IsCompleted);
        Assert.False(bobJoins.IsCompleted);
        Assert.False(backplane.HasHeldCall);

        subscribe.Release();
        Assert.True(await aliceJoins.WaitAsync(Client.Timeout));
        Assert.True(await bobJoins.WaitAsync(Client.Timeout));

        // Joining again adds nothing and waits for nothing.
        var again = server.Hub.AddToGroupAsync(alice, "room");
        Assert.True(again.IsCompleted);
        Assert.False(await again);
        Assert.Equal(["subscribe"], Calls(backplane, Room));
    }

    [Fact]
    public async Task MemberJoiningWhileTheLastOneLeaves_WaitsForTheUnsubscribeAndThenTheNewSubscribe()
    {
        var backplane = new GatedBackplane { Holds = topic => topic == Room };
        await using var server = await StartAsync(backplane);
        using var aliceConnection = await TargetClient.ConnectAsync(server);
        var alice = aliceConnection.Socket;
        using var bobConnection = await TargetClient.ConnectAsync(server);
        var bob = bobConnection.Socket;

        var aliceJoins = server.Hub.AddToGroupAsync(alice, "room").AsTask();
        (await backplane.NextHeldCallAsync()).Release();
        await aliceJoins.WaitAsync(Client.Timeout);

        // The last member leaves: the unsubscribe is on its way when Bob joins.
        Assert.True(server.Hub.RemoveFromGroup(alice, "room"));
        var unsubscribe = await backplane.NextHeldCallAsync();
        Assert.Equal("unsubscribe", unsubscribe.Operation);
        var bobJoins = server.Hub.AddToGroupAsync(bob, "room").AsTask();

        // Bob's subscribe is not sent beside the unsubscribe (Redis could apply them in either order and leave the
        // server unsubscribed with a member); it follows it.
        Assert.False(backplane.HasHeldCall);
        Assert.False(bobJoins.IsCompleted);
        unsubscribe.Release();
        var subscribe = await backplane.NextHeldCallAsync();
        Assert.Equal("subscribe", subscribe.Operation);
        Assert.False(bobJoins.IsCompleted);
        subscribe.Release();
        Assert.True(await bobJoins.WaitAsync(Client.Timeout));

        Assert.Equal(["subscribe", "unsubscribe", "subscribe"], Calls(backplane, Room));
        Assert.Equal(0, backplane.Overlaps);
        Assert.Equal([bob], server.Hub.GetMembers("room"));
    }

    [Fact]
    public async Task MemberWhoStays_KeepsTheSubscriptionThroughOtherMembersChurn()
    {
        var backplane = new GatedBackplane();
        await using var server = await StartAsync(backplane);
        using var aliceConnection = await TargetClient.ConnectAsync(server);
        var alice = aliceConnection.Socket;
        using var bobConnection = await TargetClient.ConnectAsync(server);
        var bob = bobConnection.Socket;

        await server.Hub.AddToGroupAsync(alice, "room");
        for (int i = 0; i < 100; i++)
        {
            Assert.True(await server.Hub.AddToGroupAsync(bob, "room"));
            Assert.True(server.Hub.RemoveFromGroup(bob, "room"));
        }

        Assert.Equal(["subscribe"], Calls(backplane, Room));
    }

    [Fact]
    public async Task FailedSubscribe_IsLogged_ReleasesTheJoin_AndTheNextJoinTriesAgain()
    {
        var backplane = new GatedBackplane { FailsSubscribe = topic => topic == Room };
        await using var server = await StartAsync(backplane);
        using var aliceConnection = await TargetClient.ConnectAsync(server);
        var alice = aliceConnection.Socket;
        using var bobConnection = await TargetClient.ConnectAsync(server);
        var bob = bobConnection.Socket;

        Assert.True(await server.Hub.AddToGroupAsync(alice, "room").AsTask().WaitAsync(Client.Timeout));
        Assert.Contains(server.Logs.Entries, entry => entry.Level == LogLevel.Warning
            && entry.Message.Contains("failed to subscribe to the Group topic 'room'", StringComparison.Ordinal)
            && entry.Exception is InvalidOperationException);

        backplane.FailsSubscribe = static _ => false;
        Assert.True(await server.Hub.AddToGroupAsync(bob, "room").AsTask().WaitAsync(Client.Timeout));
        Assert.Equal(["subscribe", "subscribe"], Calls(backplane, Room));

        // Local delivery never depended on it.
        Assert.Equal(2, await server.Hub.Group("room").SendTextAsync("still here"));
    }

    [Fact]
    public async Task AuthenticatedConnection_IsItsUsersMember_AndAcceptWaitsForTheUsersSubscription()
    {
        var ann = BackplaneTopic.ForUser("ann");
        var backplane = new GatedBackplane { Holds = topic => topic == ann };
        await using var server = await StartAsync(backplane);

        var connecting = Client.ConnectAsync(server.Url("/targets"), options => options.SetRequestHeader("Authorization", "Test ann"));
        var subscribe = await backplane.NextHeldCallAsync();
        Assert.Equal(("subscribe", ann), (subscribe.Operation, subscribe.Topic));

        // The 101 went out and the hub knows the connection, but the handler is still in AcceptAsync.
        using var client = await connecting;
        Assert.Single(server.Hub.GetUserConnections("ann"));
        server.Recorder.Record("targets", "released");
        subscribe.Release();
        Assert.Equal("me", (await client.ReceiveTextAsync()).Split(' ')[0]);
        Assert.Equal(["released", "accepted ann"], await server.Recorder.WaitForAsync("targets", "accepted ann"));

        // The user's last connection ends: its topic goes.
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var unsubscribe = await backplane.NextHeldCallAsync();
        Assert.Equal(("unsubscribe", ann), (unsubscribe.Operation, unsubscribe.Topic));
        unsubscribe.Release();
        await Client.EventuallyAsync(() => server.Hub.GetUserConnections("ann").Count == 0 && server.TrackedConnections == 0);
    }
}
