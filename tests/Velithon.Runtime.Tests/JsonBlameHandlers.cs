using System.Text.Json;
using Velithon;

namespace Velithon.Runtime.Tests;

/// <summary>
/// A JsonException from the client's data (a receive call) and one from the server's own code, in a static handler.
/// </summary>
public static class JsonBlameHandlers
{
    [WebSocket("/json/blame/<who>")]
    public static async Task Blame(WebSocket ws, string who)
    {
        await ws.AcceptAsync();
        await ws.SendTextAsync("ready");
        await JsonBlame.ReadAsync(ws, who);
    }
}

/// <summary>The same two faults in an endpoint class, after accept.</summary>
[WebSocket("/json/blame-endpoint/<who>")]
public sealed class JsonBlameEndpoint(string who) : WebSocketEndpoint
{
    public override async ValueTask OnConnectCompleteAsync(WebSocket ws)
    {
        await ws.SendTextAsync("ready");
        await JsonBlame.ReadAsync(ws, who);
    }
}

/// <summary>What both handlers do.</summary>
public static class JsonBlame
{
    public static async Task ReadAsync(WebSocket ws, string who)
    {
        if (who == "client")
        {
            await ws.ReceiveJsonAsync(GameJsonContext.Default.Move);
            return;
        }

        // The server's own data, broken by the server's own code.
        await ws.ReceiveTextAsync();
        JsonSerializer.Deserialize("{\"x\":", GameJsonContext.Default.Move);
    }
}
