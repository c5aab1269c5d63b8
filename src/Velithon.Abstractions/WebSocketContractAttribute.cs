using System;

namespace Velithon;

/// <summary>
/// Declares a typed two-way message contract on a <c>partial</c> class, which Velithon's generator turns into the
/// contract's typed socket (a <c>ContractSocket</c>): one <c>SendAsync</c> per outbound case, one
/// <c>RequestAsync</c> per outbound request case, and the dispatch of the inbound cases to the route's
/// <see cref="OnMessageAttribute"/> methods.
/// </summary>
/// <remarks>
/// Each message set is an abstract type with one <c>[JsonDerivedType(typeof(Case), "tag")]</c> per case; a case that
/// implements <see cref="IWebSocketRequest{TReply}"/> is a request awaiting a <c>TReply</c>. On the wire each message is
/// one JSON text message <c>{"type":"tag","id":n,"payload":{...}}</c> (see docs/contracts.md); the tags
/// <c>reply</c>, <c>error</c> and <c>cancel</c> are reserved.
/// </remarks>
/// <example><code>
/// [WebSocketContract(typeof(BoardClientMessage), typeof(BoardServerMessage), typeof(BoardJson))]
/// public sealed partial class BoardSocket;
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class WebSocketContractAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="inbound">The abstract base of the messages the client sends to the server.</param>
    /// <param name="outbound">The abstract base of the messages the server sends to the client.</param>
    /// <param name="jsonContext">A <c>JsonSerializerContext</c> with <c>[JsonSerializable]</c> for every case and reply type.</param>
    public WebSocketContractAttribute(Type inbound, Type outbound, Type jsonContext)
    {
        Inbound = inbound;
        Outbound = outbound;
        JsonContext = jsonContext;
    }

    /// <summary>The abstract base of the inbound (client to server) messages.</summary>
    public Type Inbound { get; }

    /// <summary>The abstract base of the outbound (server to client) messages.</summary>
    public Type Outbound { get; }

    /// <summary>The source-generated serializer context of the cases and replies.</summary>
    public Type JsonContext { get; }
}
