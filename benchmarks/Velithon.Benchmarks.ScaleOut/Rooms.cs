namespace Velithon.Benchmarks.ScaleOut;

/// <summary>
/// A chat room as an application writes it: a member joins its room, and every text it sends goes to the room's
/// members on whichever server they are.
/// </summary>
public static class Rooms
{
    [WebSocket("/rooms/<room>")]
    public static async Task Room(WebSocket ws, string room, IWebSocketHub hub)
    {
        await ws.AcceptAsync();
#if ONE_CHANNEL
        // One channel: every server already receives every broadcast of the fleet.
        hub.AddToGroup(ws, room);
#else
        // Completes once this server's subscription to the room is confirmed by Redis.
        await hub.AddToGroupAsync(ws, room);
#endif
        await ws.SendTextAsync("joined");
        await foreach (var text in ws.ReceiveTextMessagesAsync())
        {
            await hub.Group(room).SendTextAsync(text);
        }
    }
}
