using System.Text.Json;
using System.Text.Json.Serialization;

namespace Velithon.Redis.Tests;

// A typed contract served by every server of the application: a connection learns its id, and the server can ask it
// a question (a request) or tell it something (a message).

[JsonDerivedType(typeof(Hello), "hello")]
public abstract record AskClientMessage;

public sealed record Hello : AskClientMessage;

[JsonDerivedType(typeof(YouAre), "you-are")]
[JsonDerivedType(typeof(WhoIs), "who-is")]
public abstract record AskServerMessage;

public sealed record YouAre(string ConnectionId) : AskServerMessage;

public sealed record WhoIs(string Question) : AskServerMessage, IWebSocketRequest<Answer>;

public sealed record Answer(string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Hello))]
[JsonSerializable(typeof(YouAre))]
[JsonSerializable(typeof(WhoIs))]
[JsonSerializable(typeof(Answer))]
internal sealed partial class AskJson : JsonSerializerContext;

[WebSocketContract(typeof(AskClientMessage), typeof(AskServerMessage), typeof(AskJson))]
public sealed partial class AskSocket;

/// <summary>Tells each connection its id, then waits for the server's questions.</summary>
[WebSocket("/ask")]
public sealed class AskEndpoint : WebSocketEndpoint
{
    public override ValueTask OnConnectCompleteAsync(WebSocket ws) => AskSocket.From(ws).SendAsync(new YouAre(ws.ConnectionId));

    [OnMessage]
    public ValueTask OnHello(AskSocket socket, Hello hello) => default;
}
