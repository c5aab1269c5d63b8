using Microsoft.AspNetCore.Mvc;

namespace Velithon.Runtime.Tests;

/// <summary>Handlers that use groups, as the group and limit tests need them.</summary>
public static class GroupHandlers
{
    /// <summary>Joins the room, says so, relays every message to the rest of the room, and reports how it ended.</summary>
    [WebSocket("/rooms/<room>")]
    public static async Task Room(WebSocket ws, string room, [FromQuery] string? id, IWebSocketHub hub, Probe probe)
    {
        await ws.AcceptAsync();
        hub.AddToGroup(ws, room);
        await ws.SendTextAsync("joined");
        try
        {
            while (true)
            {
                var message = await ws.ReceiveAsync();
                if (message.IsText)
                {
                    await hub.Group(room).Except(ws).SendTextAsync(message.GetText());
                }
                else
                {
                    await hub.Group(room).SendBytesAsync(message.Data);
                }
            }
        }
        catch (WebSocketDisconnectException disconnect) when (id is not null)
        {
            probe.Record(id, new Ending(disconnect.Code, disconnect.Reason, ws.ClientState, ws.Aborted.IsCancellationRequested));
            throw;
        }
    }
}

/// <summary>Handlers for the targeting and backplane tests.</summary>
public static class TargetHandlers
{
    /// <summary>Says who the connection is (<c>me {connection id} {user id or -}</c>) once accepted, then reads until it ends.</summary>
    [WebSocket("/targets")]
    public static async Task Targets(WebSocket ws, EventRecorder recorder)
    {
        await ws.AcceptAsync();
        recorder.Record("targets", "accepted " + (ws.UserId ?? "-"));
        await ws.SendTextAsync($"me {ws.ConnectionId} {ws.UserId ?? "-"}");
        try
        {
            while (true)
            {
                await ws.ReceiveAsync();
            }
        }
        catch (WebSocketDisconnectException)
        {
        }
    }
}

/// <summary>An endpoint class that joins a group in its connect-complete step, to show groups from endpoint classes.</summary>
[WebSocket("/lobby")]
public sealed class LobbyEndpoint(IWebSocketHub hub) : WebSocketEndpoint
{
    public override async ValueTask OnConnectCompleteAsync(WebSocket ws)
    {
        hub.AddToGroup(ws, "lobby");
        await hub.Group("lobby").SendJsonAsync(new ChatMessage("server", "someone joined", hub.GetMemberCount("lobby")), TestJsonContext.Default.ChatMessage);
    }

    public override ValueTask OnReceiveAsync(WebSocket ws, string data) =>
        IgnoreCount(hub.Group("lobby").Except(ws).SendTextAsync(data));

    private static async ValueTask IgnoreCount(ValueTask<int> send) => await send;
}
