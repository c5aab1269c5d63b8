using System.Net.WebSockets;

namespace Velithon.Runtime.Tests;

/// <summary>A client of <c>/targets</c> with the server's side of its connection, which it learns from the greeting.</summary>
public sealed class TargetClient(ClientWebSocket client, WebSocket socket, string? userId) : IDisposable
{
    public ClientWebSocket Client { get; } = client;

    /// <summary>The server's side of the connection.</summary>
    public WebSocket Socket { get; } = socket;

    /// <summary>The user id the server read, or null.</summary>
    public string? UserId { get; } = userId;

    public string ConnectionId => Socket.ConnectionId;

    /// <summary>Connects (as <paramref name="user"/> when given) and waits for the greeting: <c>me {connection id} {user id or -}</c>.</summary>
    public static async Task<TargetClient> ConnectAsync(TestServer server, string? user = null)
    {
        var client = await Tests.Client.ConnectAsync(server.Url("/targets"), options =>
        {
            if (user is not null)
            {
                options.SetRequestHeader("Authorization", "Test " + user);
            }
        });
        var me = (await client.ReceiveTextAsync()).Split(' ');
        Assert.Equal("me", me[0]);
        var socket = server.Hub.GetConnections().Single(connection => connection.ConnectionId == me[1]);
        return new TargetClient(client, socket, me[2] == "-" ? null : me[2]);
    }

    public void Dispose() => Client.Dispose();
}
