using System;

namespace Velithon;

/// <summary>
/// Marks a method of a <see cref="WebSocketEndpoint"/> as the handler of the JSON messages whose
/// discriminator field has the value <see cref="Type"/>. The method takes <c>(WebSocket ws, TMessage message)</c>
/// and returns <c>ValueTask</c> or <c>Task</c>. The endpoint names its source-generated
/// <c>JsonSerializerContext</c> with <see cref="JsonMessagesAttribute"/>.
/// </summary>
/// <example>
/// <code>
/// [WebSocket("/game/&lt;gameId&gt;")]
/// [JsonMessages(typeof(GameJsonContext))]
/// public sealed class GameEndpoint : WebSocketEndpoint
/// {
///     [OnMessage("move")]
///     public ValueTask OnMove(WebSocket ws, Move move) => ...;
/// }
/// </code>
/// A message <c>{"type":"move","x":1,"y":2}</c> is deserialized as <c>Move</c> and passed to <c>OnMove</c>.
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnMessageAttribute : Attribute
{
    /// <summary>Creates the attribute for messages whose discriminator is <paramref name="type"/>.</summary>
    public OnMessageAttribute(string type)
    {
        Type = type;
    }

    /// <summary>The discriminator value this method handles.</summary>
    public string Type { get; }
}
