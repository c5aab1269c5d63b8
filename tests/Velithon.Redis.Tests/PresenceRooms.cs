using Microsoft.AspNetCore.Mvc;

namespace Velithon.Redis.Tests;

/// <summary>A room with presence: the connection is tracked under the query's user, with its device as metadata.</summary>
public static class PresenceRooms
{
    [WebSocket("/presence/<room>")]
    public static async Task Room(WebSocket ws, string room, [FromQuery] string user, [FromQuery] string? device, IWebSocketPresence presence)
    {
        await ws.AcceptAsync();
        await ws.SendTextAsync("me " + ws.ConnectionId);

        // "tracked" means the group's topic is held and the other servers were asked for their entries.
        await presence.TrackAsync(ws, room, user, device is null ? null : new Dictionary<string, string> { ["device"] = device });
        await ws.SendTextAsync("tracked");
        await foreach (var text in ws.ReceiveTextMessagesAsync())
        {
            if (text == "untrack")
            {
                presence.Untrack(ws, room);
                await ws.SendTextAsync("untracked");
            }
        }
    }
}
