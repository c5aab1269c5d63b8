using System.Text.Json;
using Velithon;

namespace Velithon.Runtime.Tests;

public sealed record RoomEvent(string RoomName, int UserCount);

/// <summary>A contract System.Text.Json refuses: two properties with one JSON name.</summary>
public sealed class CollidingNames
{
    [System.Text.Json.Serialization.JsonPropertyName("a")]
    public int First { get; set; }

    [System.Text.Json.Serialization.JsonPropertyName("a")]
    public int Second { get; set; }
}

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
            case "collision":
                await ws.SendJsonAsync(new CollidingNames());
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
