using Velithon;

namespace Velithon.Demo.Handlers;

/// <summary>The Python original's first example: every text message comes back prefixed with "Echo: ".</summary>
public static class EchoHandlers
{
    [WebSocket("/echo")]
    public static async Task Echo(WebSocket ws, ILogger<WebSocket> logger)
    {
        await ws.AcceptAsync();
        try
        {
            while (true)
            {
                var message = await ws.ReceiveTextAsync();
                await ws.SendTextAsync($"Echo: {message}");
            }
        }
        catch (WebSocketDisconnectException disconnect)
        {
            DemoLog.ClientDisconnected(logger, disconnect.Code);
        }
    }
}
