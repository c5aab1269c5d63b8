using System.Text.Json;
using Velithon;

namespace Velithon.Runtime.Tests;

public sealed record RoomEvent(string RoomName, int UserCount);

/// <summary>JSON without a JsonTypeInfo, in the shapes users write first.</summary>
public static class JsonHandlers
{
    [WebSocket("/json/shapes")]
    public static async Task Shapes(WebSocket ws)
    {
        await ws.SendJsonAsync(new { type = "message", data = "Hello", sentBy = "server" });

        var dictionary = await ws.ReceiveJsonAsync<Dictionary<string, string>>();
        await ws.SendJsonAsync(dictionary);

        var element = await ws.ReceiveJsonAsync<JsonElement>();
        await ws.SendJsonAsync(element);

        var roomEvent = await ws.ReceiveJsonAsync<RoomEvent>();
        await ws.SendJsonAsync(roomEvent! with { UserCount = roomEvent.UserCount + 1 });
        await ws.ReceiveTextAsync();
    }

    [WebSocket("/json/missing/<shape>")]
    public static async Task Missing(WebSocket ws, string shape)
    {
        await ws.AcceptAsync();
        switch (shape)
        {
            case "dictionary":
                await ws.SendJsonAsync(new Dictionary<string, string> { ["a"] = "b" });
                break;
            case "anonymous":
                await ws.SendJsonAsync(new { type = "message", data = "Hello" });
                break;
            case "list":
                await ws.SendJsonAsync(new List<int?[]> { new int?[] { 1 } });
                break;
            default:
                await ws.ReceiveJsonAsync<JsonElement>();
                break;
        }
    }
}
