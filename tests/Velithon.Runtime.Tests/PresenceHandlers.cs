using Microsoft.AspNetCore.Mvc;

namespace Velithon.Runtime.Tests;

/// <summary>A room with presence, for the presence tests: tracked under the query's user, with its device as metadata.</summary>
public static class PresenceHandlers
{
    /// <summary>
    /// Says "tracked" once tracked; "untrack" untracks it (it stays in the room) and "say …" sends the rest to the room;
    /// "list" answers with the room's members as <c>key:device,device key:…</c>.
    /// </summary>
    [WebSocket("/presence/<room>")]
    public static async Task Room(WebSocket ws, string room, [FromQuery] string user, [FromQuery] string? device, IWebSocketPresence presence, IWebSocketHub hub)
    {
        await ws.AcceptAsync();
        await presence.TrackAsync(ws, room, user, device is null ? null : new Dictionary<string, string> { ["device"] = device });
        await ws.SendTextAsync("tracked");
        await foreach (var text in ws.ReceiveTextMessagesAsync())
        {
            if (text == "untrack")
            {
                await ws.SendTextAsync(presence.Untrack(ws, room) ? "untracked" : "not tracked");
            }
            else if (text == "list")
            {
                await ws.SendTextAsync("list " + Describe(presence.List(room)));
            }
            else if (text.StartsWith("say ", StringComparison.Ordinal))
            {
                await hub.Group(room).SendTextAsync(text[4..]);
            }
        }
    }

    public static string Describe(IReadOnlyList<PresenceMember> members) =>
        string.Join(' ', members.Select(member =>
            member.Key + ":" + string.Join(',', member.Connections.Select(c => c.Meta.TryGetValue("device", out var d) ? d : "").Order(StringComparer.Ordinal))));
}
