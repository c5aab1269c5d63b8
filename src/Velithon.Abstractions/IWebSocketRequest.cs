namespace Velithon;

/// <summary>
/// Marks a case of a <see cref="WebSocketContractAttribute"/> message set as a request: its sender awaits one
/// <typeparamref name="TReply"/> from the peer, matched by the envelope's <c>id</c>. A marker; it has no members.
/// </summary>
/// <typeparam name="TReply">The type of the reply, listed in the contract's <c>JsonSerializerContext</c>.</typeparam>
/// <remarks>
/// An inbound request's <see cref="OnMessageAttribute"/> method returns <c>ValueTask&lt;TReply&gt;</c> or
/// <c>Task&lt;TReply&gt;</c>, and the runtime sends its result as <c>{"type":"reply","id":n,"payload":...}</c>. An
/// outbound request is sent with the typed socket's <c>RequestAsync</c>, which completes with the client's reply.
/// </remarks>
#pragma warning disable CA1040 // A marker interface: the contract's reply type is all it carries, read by the generator.
public interface IWebSocketRequest<TReply>;
#pragma warning restore CA1040
