using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Groups;
using Velithon.Scaling;

namespace Velithon.Runtime.Tests;

/// <summary>
/// Messages to a user's connections and to one connection by id: who receives them on this server, which backplane
/// topic carries them to the others, and what arrives from the others. The user id is the handshake's
/// NameIdentifier claim (the test authentication handler sets it to the name) unless the options say otherwise.
/// </summary>
public sealed class TargetingTests
{
    private static Task<TestServer> StartAsync(GatedBackplane? backplane = null, Action<VelithonOptions>? configure = null) =>
        TestServer.StartAsync(
            configure: configure,
            configureBuilder: builder =>
            {
                if (backplane is not null)
                {
                    builder.Services.AddSingleton<WebSocketBackplane>(backplane);
                }
            });

    /// <summary>Sends a marker to <paramref name="client"/> (here, so nothing is published) and returns what it received before it.</summary>
    private static async Task<List<string>> ReceivedBeforeMarkerAsync(TestServer server, TargetClient client)
    {
        await server.Hub.Connection(client.ConnectionId).SendTextAsync("marker");
        var received = new List<string>();
        for (var text = await client.Client.ReceiveTextAsync(); text != "marker"; text = await client.Client.ReceiveTextAsync())
        {
            received.Add(text);
        }

        return received;
    }

    [Fact]
    public async Task ConnectionId_IsTheServersIdAndASequence_UniqueAndParsable()
    {
        var ids = new ConnectionIds();
        Assert.Matches("^[a-z2-7]{13}$", ids.ServerId);
        Assert.NotEqual(ids.ServerId, new ConnectionIds().ServerId);
        string[] made = [.. Enumerable.Range(0, 1000).Select(_ => ids.Next())];
        Assert.Equal(ids.ServerId + ".1", made[0]);
        Assert.Equal(ids.ServerId + ".3e8", made[^1]);
        Assert.Equal(made.Length, made.Distinct(StringComparer.Ordinal).Count());
        Assert.All(made, id =>
        {
            Assert.True(ConnectionIds.TryGetServerId(id, out var server));
            Assert.Equal(ids.ServerId, server.ToString());
        });

        foreach (var foreign in new[] { "", "abc", "k2m7q4d9x3ab5", "k2m7q4d9x3ab5.", "k2m7q4d9x3ab5.1F", "K2m7q4d9x3ab5.1", "k2m7q4d9x3ab1.1", "k2m7q4d9x3ab5-1", "k2m7q4d9x3ab.12" })
        {
            Assert.False(ConnectionIds.TryGetServerId(foreign, out _), foreign);
        }

        // Each connection gets one when accepted; the sequence shows it is this server's.
        await using var server = await StartAsync();
        using var first = await TargetClient.ConnectAsync(server);
        using var second = await TargetClient.ConnectAsync(server);
        Assert.NotEqual(first.ConnectionId, second.ConnectionId);
        Assert.True(ConnectionIds.TryGetServerId(first.ConnectionId, out var firstServer));
        Assert.True(ConnectionIds.TryGetServerId(second.ConnectionId, out var secondServer));
        Assert.Equal(firstServer.ToString(), secondServer.ToString());
        Assert.NotEqual(first.Socket.HttpContext.Connection.Id, first.ConnectionId);
    }

    [Fact]
    public async Task UserId_IsTheNameIdentifierClaim_AndNullWhenAnonymous()
    {
        await using var server = await StartAsync();
        using var ann = await TargetClient.ConnectAsync(server, "ann");
        using var anonymous = await TargetClient.ConnectAsync(server);

        Assert.Equal("ann", ann.UserId);
        Assert.Equal("ann", ann.Socket.UserId);
        Assert.Null(anonymous.UserId);
        Assert.Equal([ann.Socket], server.Hub.GetUserConnections("ann"));
        Assert.Empty(server.Hub.GetUserConnections("nobody"));
    }

    [Fact]
    public async Task UserIdProvider_ChoosesTheUserId_AndOneThatThrowsRefusesTheHandshakeWith500()
    {
        await using var server = await StartAsync(configure: options => options.UserIdProvider = static ws =>
            ws.Query["as"] is { Count: > 0 } value ? (value == "throw" ? throw new InvalidOperationException("no user") : value.ToString()) : null);
        using var client = await Client.ConnectAsync(server.Url("/targets?as=zoe"));
        Assert.Equal("zoe", (await client.ReceiveTextAsync()).Split(' ')[2]);
        Assert.Single(server.Hub.GetUserConnections("zoe"));

        Assert.Equal(HttpStatusCode.InternalServerError, await Client.ConnectExpectingRejectionAsync(server.Url("/targets?as=throw")));
        Assert.Equal(1, server.Hub.ConnectionCount);
    }

    [Fact]
    public async Task UserTarget_ReachesEveryConnectionOfTheUserHere_AndGoesOutOnTheUsersTopic()
    {
        var backplane = new GatedBackplane();
        await using var server = await StartAsync(backplane);
        using var annPhone = await TargetClient.ConnectAsync(server, "ann");
        using var annLaptop = await TargetClient.ConnectAsync(server, "ann");
        using var bob = await TargetClient.ConnectAsync(server, "bob");

        Assert.Equal(2, await server.Hub.User("ann").SendTextAsync("to ann"));
        Assert.Equal(1, await server.Hub.User("ann").Except(annPhone.Socket).SendTextAsync("to ann's other devices"));
        Assert.Equal(0, await server.Hub.User("nobody").SendTextAsync("to nobody here"));

        Assert.Equal(["to ann"], await ReceivedBeforeMarkerAsync(server, annPhone));
        Assert.Equal(["to ann", "to ann's other devices"], await ReceivedBeforeMarkerAsync(server, annLaptop));
        Assert.Empty(await ReceivedBeforeMarkerAsync(server, bob));
        Assert.Equal(
            [(BackplaneTopic.ForUser("ann"), null, "to ann"), (BackplaneTopic.ForUser("ann"), null, "to ann's other devices"), (BackplaneTopic.ForUser("nobody"), null, "to nobody here")],
            backplane.Published.ToList());
    }

    [Fact]
    public async Task ConnectionTarget_HereIsDeliveredWithoutPublishing_ElsewhereGoesOnThatServersTopic_AndAStrangerIdReachesNobody()
    {
        var backplane = new GatedBackplane();
        await using var server = await StartAsync(backplane);
        using var alice = await TargetClient.ConnectAsync(server);
        using var bob = await TargetClient.ConnectAsync(server);

        Assert.Equal(1, await server.Hub.Connection(alice.ConnectionId).SendTextAsync("to alice"));
        Assert.Equal(0, await server.Hub.Connection(alice.ConnectionId).Except(alice.Socket).SendTextAsync("excluded"));
        Assert.Equal(["to alice"], await ReceivedBeforeMarkerAsync(server, alice));
        Assert.Empty(await ReceivedBeforeMarkerAsync(server, bob));
        Assert.Empty(backplane.Published);

        // Another server's connection: nothing here, one message on that server's topic, naming the connection.
        Assert.Equal(0, await server.Hub.Connection("abcdefghijklm.2a").SendTextAsync("to a stranger's connection"));
        Assert.Equal([(BackplaneTopic.ForServer("abcdefghijklm"), "abcdefghijklm.2a", "to a stranger's connection")], backplane.Published);

        // An id no server gave out, and one of this server's that ended: nobody, and nothing published.
        Assert.Equal(0, await server.Hub.Connection("not a connection id").SendTextAsync("lost"));
        var ended = alice.ConnectionId;
        await alice.Client.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await Client.EventuallyAsync(() => server.Hub.ConnectionCount == 1);
        Assert.Equal(0, await server.Hub.Connection(ended).SendTextAsync("lost too"));
        Assert.Single(backplane.Published);
    }

    [Fact]
    public async Task MessagesFromOtherServers_ReachOnlyTheirTopicsConnectionsHere_AndAreCounted()
    {
        var backplane = new GatedBackplane();
        await using var server = await StartAsync(backplane);
        using var metrics = new MetricRecorder(server);
        using var ann = await TargetClient.ConnectAsync(server, "ann");
        using var bob = await TargetClient.ConnectAsync(server, "bob");
        await server.Hub.AddToGroupAsync(bob.Socket, "room");

        Assert.Equal(1, backplane.Deliver(Text(BackplaneTopic.ForGroup("room"), null, "room news")));
        Assert.Equal(1, backplane.Deliver(Text(BackplaneTopic.ForUser("ann"), null, "for ann")));
        Assert.Equal(1, backplane.Deliver(Text(BackplaneTopic.ForServer(ann.ConnectionId.Split('.')[0]), ann.ConnectionId, "for ann's connection")));
        Assert.Equal(2, backplane.Deliver(Text(BackplaneTopic.All, null, "for all")));

        // Arrived for nobody here: a group or user with no one left, a connection that ended.
        Assert.Equal(0, backplane.Deliver(Text(BackplaneTopic.ForGroup("empty"), null, "x")));
        Assert.Equal(0, backplane.Deliver(Text(BackplaneTopic.ForUser("carol"), null, "x")));
        Assert.Equal(0, backplane.Deliver(Text(BackplaneTopic.ForServer(ann.ConnectionId.Split('.')[0]), ann.ConnectionId + "0", "x")));

        Assert.Equal(["for ann", "for ann's connection", "for all"], await ReceivedBeforeMarkerAsync(server, ann));
        Assert.Equal(["room news", "for all"], await ReceivedBeforeMarkerAsync(server, bob));
        Assert.Equal(7, metrics.Total("velithon.backplane.messages.received"));
        Assert.Equal(4, metrics.Total("velithon.backplane.messages.delivered"));
        Assert.Equal(2, metrics.Total("velithon.backplane.messages.received", "velithon.backplane.topic=group"));
        Assert.Equal(1, metrics.Total("velithon.backplane.messages.delivered", "velithon.backplane.topic=group"));
        Assert.Equal(2, metrics.Total("velithon.backplane.messages.received", "velithon.backplane.topic=server"));

        // Nothing that came from the backplane went back out on it (and the markers were for connections here).
        Assert.Empty(backplane.Published);

        static BackplaneMessage Text(BackplaneTopic topic, string? connectionId, string text) =>
            new(topic, connectionId, WebSocketMessageKind.Text, Encoding.UTF8.GetBytes(text));
    }
}
