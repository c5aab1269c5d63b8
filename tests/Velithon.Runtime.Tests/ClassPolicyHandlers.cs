namespace Velithon.Runtime.Tests;

/// <summary>
/// Static handlers under a class-level policy, for <see cref="PolicyTests"/>: the class's <c>[MaxMessageSize(16)]</c>
/// applies to each handler, and a handler's own attribute overrides it.
/// </summary>
[MaxMessageSize(16)]
public static class ClassPolicyHandlers
{
    [WebSocket("/policy/class/inherits")]
    public static Task Inherits(WebSocket ws) => EchoAsync(ws);

    [WebSocket("/policy/class/overrides")]
    [MaxMessageSize(64)]
    public static Task Overrides(WebSocket ws) => EchoAsync(ws);

    private static async Task EchoAsync(WebSocket ws)
    {
        await ws.AcceptAsync();
        await foreach (var message in ws.ReceiveTextMessagesAsync())
        {
            await ws.SendTextAsync(message);
        }
    }
}
