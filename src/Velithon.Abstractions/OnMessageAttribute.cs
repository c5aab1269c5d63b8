using System;

namespace Velithon;

/// <summary>
/// Marks a method as the handler of one kind of typed message. Two forms:
/// <list type="bullet">
/// <item><c>[OnMessage("move")]</c> on a method of a <see cref="WebSocketEndpoint"/> with <see cref="JsonMessagesAttribute"/>:
/// the handler of the JSON messages whose discriminator field has the value <see cref="Type"/>. The method takes
/// <c>(WebSocket ws, TMessage message)</c> and returns <c>ValueTask</c> or <c>Task</c>.</item>
/// <item><c>[OnMessage]</c> (no tag, <see cref="Type"/> is <see langword="null"/>) on a method taking
/// <c>(TSocket socket, TCase message)</c>, where <c>TSocket</c> is a <see cref="WebSocketContractAttribute"/> socket: the
/// handler of that inbound case, whose tag comes from the contract. A request case's method returns
/// <c>ValueTask&lt;TReply&gt;</c> or <c>Task&lt;TReply&gt;</c>.</item>
/// </list>
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
    /// <summary>Creates the attribute for a handler of a typed contract's case: the tag comes from the contract.</summary>
    public OnMessageAttribute()
    {
    }

    /// <summary>Creates the attribute for messages whose discriminator is <paramref name="type"/>.</summary>
    public OnMessageAttribute(string type)
    {
        Type = type;
    }

    /// <summary>The discriminator value this method handles; <see langword="null"/> for a contract's case, whose tag the contract gives.</summary>
    public string? Type { get; }
}
