namespace Velithon.Runtime.Tests.Contracts;

/// <summary>The game endpoint's typed JSON messages with the SendError policy on the route, whatever the options say.</summary>
[WebSocket("/game-errors/<gameId>")]
[JsonMessages(typeof(GameJsonContext))]
[InvalidMessages(InvalidMessageBehavior.SendError)]
public sealed class JsonMessagesErrorEndpoint(string gameId) : WebSocketEndpoint
{
    [OnMessage("move")]
    public ValueTask OnMove(WebSocket ws, Move move) => ws.SendTextAsync($"{gameId} move {move.X},{move.Y}");
}
