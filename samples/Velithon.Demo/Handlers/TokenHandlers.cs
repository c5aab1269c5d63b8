using Microsoft.AspNetCore.Mvc;
using Velithon;

namespace Velithon.Demo.Handlers;

/// <summary>The Python original's query-parameter example: a connection without <c>?token=</c> is closed with 1008.</summary>
public static class TokenHandlers
{
    [WebSocket("/ws")]
    public static async Task Authenticated(WebSocket ws, [FromQuery] string? token)
    {
        // Closing before accepting refuses the handshake with 403, which a browser reports only as 1006.
        // The demo accepts first so that the page can show the close code and reason.
        await ws.AcceptAsync();
        if (string.IsNullOrEmpty(token))
        {
            await ws.CloseAsync(WebSocketCloseCode.PolicyViolation, "Missing token");
            return;
        }

        await ws.SendTextAsync($"Authenticated with token {token}");
        await foreach (var message in ws.ReceiveTextMessagesAsync())
        {
            await ws.SendTextAsync($"{token}: {message}");
        }
    }
}
