using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Velithon.Presence;

namespace Velithon.Runtime.Tests;

public static class PresenceAfterTheClientLeftHandlers
{
    public static readonly TaskCompletionSource<bool> Tracked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [WebSocket("/presence-after-leaving/<room>")]
    public static async Task Room(WebSocket ws, string room, IWebSocketPresence presence)
    {
        await ws.AcceptAsync();
        try
        {
            await foreach (var _ in ws.ReceiveTextMessagesAsync())
            {
            }
        }
        catch (WebSocketDisconnectException)
        {
        }

        // The client has gone and the handler has not returned: it still handles what it was given.
        Tracked.TrySetResult(await presence.TrackAsync(ws, room, "ghost"));
    }
}

public sealed class PresenceAfterTheClientLeftTests
{
    [Fact]
    public async Task TrackAfterTheClientLeft_BeforeTheHandlerReturned_IsRefused_AndLeavesNoEntry()
    {
        // The connection no longer joins groups once its transport is gone, and leaves the ones it has when its handler
        // returns: an entry tracked in between was in no group of the connection, so nothing ever forgot it, and every
        // server listed and heartbeated a member that had left.
        await using var server = await TestServer.StartAsync();
        var presence = server.Services.GetRequiredService<IWebSocketPresence>();
        using var client = await Client.ConnectAsync(server.Url("/presence-after-leaving/r1"));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);

        Assert.False(await PresenceAfterTheClientLeftHandlers.Tracked.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(presence.List("r1"));
    }
}
