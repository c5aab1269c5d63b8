namespace Velithon.Runtime.Tests;

/// <summary>Echo routes that differ only in their policy attributes, for <see cref="PolicyTests"/>.</summary>
public static class PolicyHandlers
{
    [WebSocket("/policy/default")]
    public static Task Default(WebSocket ws) => EchoAsync(ws);

    [WebSocket("/policy/small")]
    [MaxMessageSize(16)]
    public static Task Small(WebSocket ws) => EchoAsync(ws);

    [WebSocket("/policy/partner")]
    [AllowedOrigins("https://partner.example")]
    public static Task Partner(WebSocket ws) => EchoAsync(ws);

    [WebSocket("/policy/single")]
    [MaxConnections(1)]
    public static Task Single(WebSocket ws) => EchoAsync(ws);

    [WebSocket("/policy/rate")]
    [MessageRateLimit(2, 1, 600_000)]
    public static Task Rate(WebSocket ws) => EchoAsync(ws);

    [WebSocket("/policy/idle")]
    [IdleTimeout(2_000)]
    public static Task Idle(WebSocket ws) => EchoAsync(ws);

    private static async Task EchoAsync(WebSocket ws)
    {
        await ws.AcceptAsync();
        await foreach (var message in ws.ReceiveTextMessagesAsync())
        {
            await ws.SendTextAsync(message);
        }
    }
}
