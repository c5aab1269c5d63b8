using Microsoft.AspNetCore.Http;

namespace Velithon.Runtime.Tests;

/// <summary>The Python original's examples, ported word for word, and the request types minimal APIs bind.</summary>
public static class SeedPortHandlers
{
    // @app.websocket("/chat/{room_id}")
    // async def chat_room(websocket: WebSocket):
    //     room_id = websocket.path_params["room_id"]
    //     await websocket.accept()
    [WebSocket("/seed/chat/{room_id}")]
    public static async Task ChatRoom(WebSocket ws)
    {
        var roomId = ws.PathParameters["room_id"];
        await ws.AcceptAsync();
        await ws.SendTextAsync($"room {roomId}");
    }

    [WebSocket("/seed/request")]
    public static async Task Request(WebSocket ws, HttpRequest request, HttpResponse response)
    {
        await ws.AcceptAsync();
        await ws.SendTextAsync($"{request.Path} {request.Query["q"]} {response.HttpContext == request.HttpContext}");
    }
}
