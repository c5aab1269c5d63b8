using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Velithon.Connections;
using Velithon.Contracts;

namespace Velithon;

/// <summary>
/// The base of a typed contract's socket, the class Velithon's generator writes for a
/// <see cref="WebSocketContractAttribute"/> declaration: one connection, seen through its contract. The generated
/// class adds one <c>SendAsync</c> per outbound case, one <c>RequestAsync</c> per outbound request case, and
/// <c>From(WebSocket)</c>.
/// </summary>
/// <remarks>
/// <para>
/// On the wire each message is one JSON text message, <c>{"type":"tag","id":n,"payload":{...}}</c>; replies,
/// errors and cancellations use the reserved types <c>reply</c>, <c>error</c> and <c>cancel</c> (docs/contracts.md,
/// "The wire format").
/// </para>
/// <para>
/// Sends are safe from several tasks at once, as the connection's are. Messages are received by
/// <see cref="DispatchMessagesAsync"/> (or the endpoint runner, for an endpoint class) only: once a contract socket
/// exists, receive nothing on its <see cref="WebSocket"/> directly.
/// </para>
/// </remarks>
public abstract partial class ContractSocket
{
    private readonly ServerWebSocket _connection;
    private readonly ContractDispatch _dispatch;

    /// <summary>Creates the typed socket of <paramref name="socket"/>'s connection and attaches it there, for <see cref="From{TSocket}(WebSocket)"/>.</summary>
    /// <param name="socket">The connection the generated route was given.</param>
    /// <param name="dispatch">The route's generated dispatch of inbound messages.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="socket"/> is not a connection of Velithon's runtime, or it has a typed socket already.
    /// </exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected ContractSocket(WebSocket socket, ContractDispatch dispatch)
    {
        _connection = RuntimeConnection.Require(socket, "ContractSocket");
        ArgumentNullException.ThrowIfNull(dispatch);
        _dispatch = dispatch;
        _connection.AttachContract(this);
    }

    /// <summary>The connection underneath, for what the contract does not cover (groups, the close code, headers).</summary>
    public WebSocket WebSocket => _connection;

    /// <summary>The HTTP context of the opening handshake.</summary>
    public HttpContext HttpContext => _connection.HttpContext;

    /// <summary>The values of the route template's parameters, as strings, by name.</summary>
    public RouteValueDictionary PathParameters => _connection.PathParameters;

    /// <summary>A token that fires when the connection ends, for whatever reason.</summary>
    public CancellationToken Aborted => _connection.Aborted;

    internal ServerWebSocket Connection => _connection;

    /// <summary>Accepts the handshake; see <see cref="Velithon.WebSocket.AcceptAsync"/>.</summary>
    /// <param name="subProtocol">The subprotocol to confirm, or <see langword="null"/> for none.</param>
    /// <param name="headers">Extra headers for the handshake response.</param>
    /// <exception cref="InvalidOperationException">The connection was already accepted or closed.</exception>
    /// <exception cref="WebSocketDisconnectException">The client did not offer <paramref name="subProtocol"/>, or left during the handshake.</exception>
    public Task AcceptAsync(string? subProtocol = null, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        _connection.AcceptAsync(subProtocol, headers);

    /// <summary>
    /// Closes the connection; see <see cref="Velithon.WebSocket.CloseAsync"/>. Requests the server still awaits fail
    /// with <see cref="WebSocketDisconnectException"/> once it has ended.
    /// </summary>
    /// <param name="code">A code from <see cref="WebSocketCloseCode"/>, or 3000-4999 for applications.</param>
    /// <param name="reason">A reason of at most 123 UTF-8 bytes (RFC 6455 section 5.5.1).</param>
    public Task CloseAsync(int code = WebSocketCloseCode.NormalClosure, string? reason = null) =>
        _connection.CloseAsync(code, reason);

    /// <summary>Sends <paramref name="payload"/> as the envelope <c>{"type":type,"payload":...}</c>: the generated <c>SendAsync</c> calls it.</summary>
    /// <param name="type">The case's tag.</param>
    /// <param name="payload">The message.</param>
    /// <param name="typeInfo">The case's metadata from the contract's context.</param>
    /// <param name="cancellationToken">Cancels the send (which ends the connection, as a canceled send does).</param>
    /// <exception cref="WebSocketDisconnectException">The connection has ended.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected ValueTask SendMessageAsync<T>(JsonEncodedText type, T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return SendEnvelopeAsync(type, 0, payload, typeInfo, cancellationToken);
    }

    /// <summary>
    /// Sends the envelope <c>{"type":type,"payload":...}</c> to every connection of <paramref name="target"/>, serialized
    /// once: the generated <c>BroadcastAsync</c> calls it.
    /// </summary>
    /// <returns>The number of connections on this server the message was sent or queued to.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static ValueTask<int> BroadcastMessageAsync<T>(BroadcastTarget target, JsonEncodedText type, T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);

        // The hub serializes a JSON value once for all its connections (and its backplane): the envelope is such a value.
        return target.SendJsonAsync(new OutboundEnvelope<T>(type, payload, typeInfo), OutboundEnvelope<T>.TypeInfo, cancellationToken);
    }

    /// <summary>
    /// The typed socket of <paramref name="socket"/>'s connection: the generated <c>TSocket.From(ws)</c> calls it.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// The connection's route has another contract, or none; the message names the types.
    /// </exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static TSocket From<TSocket>(WebSocket socket)
        where TSocket : ContractSocket
    {
        var connection = RuntimeConnection.Require(socket, typeof(TSocket).Name + ".From");
        return connection.Contract switch
        {
            TSocket typed => typed,
            null => throw new InvalidOperationException(
                $"This connection's route ({connection.HandlerName}) has no typed contract, so it has no {typeof(TSocket).FullName}. " +
                $"{typeof(TSocket).Name}.From works on the connections of routes whose [OnMessage] handlers take a {typeof(TSocket).Name}."),
            { } other => throw new InvalidOperationException(
                $"This connection's route ({connection.HandlerName}) has the contract socket {other.GetType().FullName}, not {typeof(TSocket).FullName}."),
        };
    }

    /// <summary>
    /// The typed socket of the connection <paramref name="connectionId"/> (<see cref="WebSocket.ConnectionId"/>), which
    /// this server must hold: the generated <c>TSocket.From(hub, connectionId)</c> calls it, so a request can be made of
    /// a connection other than the caller's own.
    /// </summary>
    /// <remarks>
    /// A typed socket, and so a request awaiting a reply, exists only on the server that holds the connection: a
    /// request is not relayed through the backplane, because its reply, its timeout and its cancellation belong to the
    /// connection's server. A connection held by another server is refused with an exception naming both servers;
    /// send it a message through <see cref="IWebSocketHub.Connection"/> instead, which the backplane delivers.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// Another server holds the connection, this server holds none with that id, or its route has another contract.
    /// </exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected static TSocket From<TSocket>(IWebSocketHub hub, string connectionId)
        where TSocket : ContractSocket
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(connectionId);
        if (hub is not Groups.WebSocketHub runtimeHub)
        {
            throw new InvalidOperationException($"{typeof(TSocket).Name}.From(hub, connectionId) needs the hub of Velithon's runtime (AddVelithon), not {hub.GetType().FullName}.");
        }

        if (runtimeHub.TryGetLocalConnection(connectionId, out var connection))
        {
            return From<TSocket>(connection);
        }

        string server = runtimeHub.Ids.ServerId;
        throw Groups.ConnectionIds.TryGetServerId(connectionId, out var owner) && !owner.SequenceEqual(server)
            ? new InvalidOperationException(
                $"The connection '{connectionId}' is held by the server '{owner}', not by this one ('{server}'). A request goes only to a " +
                $"connection of the server that asks, where its reply and timeout are tracked; send that connection a message through " +
                $"hub.Connection(\"{connectionId}\"), which the backplane delivers, and let its server ask.")
            : new InvalidOperationException($"This server ('{server}') holds no open connection '{connectionId}': it has ended, or the id is not one of WebSocket.ConnectionId.");
    }

    /// <summary>The connection ended: every request the server awaits fails with its disconnect.</summary>
    internal void OnConnectionEnded() => FailPendingRequests();
}
