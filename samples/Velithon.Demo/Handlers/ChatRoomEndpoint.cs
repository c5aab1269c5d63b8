using Microsoft.AspNetCore.Mvc;
using Velithon;

namespace Velithon.Demo.Handlers;

/// <summary>
/// Chat rooms, the Python original's class-based endpoint: each connection joins the group of its room, every text
/// message goes to everyone in the room (the sender included, so each page shows the room's one order),
/// and the room hears when someone joins or leaves. With the Redis backplane, the room spans instances.
/// A page that loses its network resumes its session (docs/resumable-sessions.md; wwwroot/resumable-socket.js):
/// the same instance, still in its room, and what was said either way meanwhile arrives once, in order. Clients
/// that do not offer <c>velithon.resume.v1</c> get a plain connection, as before.
/// </summary>
[WebSocket("/chat/<roomId>")]
// A minute covers a phone changing networks. The buffer holds the room's messages the page has not acknowledged: 128
// (a power of two, the pooled array's size) of at most MaxMessageSize each bounds a detached session; a busier gap
// ends it (4413) and the page starts a new one, saying so.
[ResumableSession(WindowSeconds = 60, MaxBufferedMessages = 128)]
public sealed class ChatRoomEndpoint(string roomId, [FromQuery] string? name, IWebSocketHub hub) : WebSocketEndpoint
{
    private const int MaxNameLength = 32;

    private readonly string _user = string.IsNullOrWhiteSpace(name)
        ? $"guest-{Random.Shared.Next(1000, 10000)}"
        : name.Trim()[..Math.Min(name.Trim().Length, MaxNameLength)];

    private readonly string _group = "chat:" + roomId;

    public override async ValueTask OnConnectCompleteAsync(WebSocket ws)
    {
        // Completes once the room's messages from other instances reach this connection (with the Redis backplane).
        await hub.AddToGroupAsync(ws, _group);
        // The room hears of the newcomer before the newcomer hears "welcome": whoever joins after that welcome
        // cannot receive this notice too.
        await hub.Group(_group).Except(ws).SendJsonAsync(NewEvent("joined", null), DemoJsonContext.Default.ChatEvent);
        await ws.SendJsonAsync(NewEvent("welcome", null), DemoJsonContext.Default.ChatEvent);
    }

    public override async ValueTask OnReceiveAsync(WebSocket ws, string data) =>
        await hub.Group(_group).SendJsonAsync(NewEvent("message", data), DemoJsonContext.Default.ChatEvent);

    public override async ValueTask OnDisconnectAsync(WebSocket ws)
    {
        // The hub has already taken the connection out of the room, so the count excludes it.
        await hub.Group(_group).SendJsonAsync(NewEvent("left", null), DemoJsonContext.Default.ChatEvent);
    }

    private ChatEvent NewEvent(string type, string? text) =>
        new(type, roomId, _user, text, hub.GetMemberCount(_group));
}

/// <summary>What the chat room sends: <c>welcome</c> (to the newcomer), <c>joined</c>, <c>message</c> and <c>left</c>.</summary>
/// <param name="Type">The kind of event.</param>
/// <param name="Room">The room it happened in.</param>
/// <param name="User">Who joined, spoke or left.</param>
/// <param name="Text">The message, for <c>message</c> events.</param>
/// <param name="Members">How many connections this instance has in the room.</param>
public sealed record ChatEvent(string Type, string Room, string User, string? Text, int Members);
