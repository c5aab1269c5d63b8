using System;
using System.Threading.Tasks;

namespace Velithon;

/// <summary>
/// The base of a class-based WebSocket endpoint: mark the derived class <c>[WebSocket("/path")]</c> and
/// override the lifecycle methods it needs. One instance serves one connection; its constructor gets
/// services from dependency injection and values from the handshake (route, <c>[FromQuery]</c>,
/// <c>[FromHeader]</c>), bound by generated code.
/// </summary>
/// <remarks>
/// <para>The lifecycle, in order:</para>
/// <list type="number">
/// <item><see cref="OnConnectAsync"/> before the handshake is accepted. It may refuse it
/// (<see cref="WebSocket.CloseAsync"/> answers HTTP 403) or accept it itself to choose a subprotocol;
/// otherwise the runtime accepts it when it returns.</item>
/// <item><see cref="OnConnectCompleteAsync"/> once accepted.</item>
/// <item><see cref="OnReceiveAsync"/> for each text message, <see cref="OnReceiveBytesAsync"/> for each binary
/// message, or the <see cref="OnMessageAttribute"/> methods for typed JSON messages. Which ones an endpoint
/// takes is decided at compile time by what it overrides: a binary message to an endpoint that does not
/// override <see cref="OnReceiveBytesAsync"/> closes the connection with 1003 (unsupported data).</item>
/// <item><see cref="OnDisconnectAsync"/> exactly once for every accepted connection, whatever ended it;
/// <see cref="WebSocket.CloseCode"/> tells how.</item>
/// </list>
/// <para>
/// When a lifecycle method throws, <see cref="OnErrorAsync"/> runs first. If it closes the connection
/// (<see cref="WebSocket.CloseAsync"/>, or throwing <see cref="WebSocketCloseException"/>), the error is handled:
/// the connection ends with that code and reason and the runtime logs the exception at Debug. Otherwise the
/// runtime logs it at Error and closes with 1011 (or answers the handshake with 500 if it was not accepted yet).
/// A <see cref="WebSocketDisconnectException"/> is not an error: it only ends the connection. A
/// <see cref="WebSocketCloseException"/> is a deliberate close: <see cref="OnErrorAsync"/> does not run for it.
/// </para>
/// <para>An endpoint that implements <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/> is disposed at the end.</para>
/// </remarks>
public abstract class WebSocketEndpoint
{
    /// <summary>Runs before the handshake is accepted.</summary>
    public virtual ValueTask OnConnectAsync(WebSocket ws) => default;

    /// <summary>Runs once the connection is accepted.</summary>
    public virtual ValueTask OnConnectCompleteAsync(WebSocket ws) => default;

    /// <summary>Runs for each text message.</summary>
    public virtual ValueTask OnReceiveAsync(WebSocket ws, string data) => default;

    /// <summary>
    /// Runs for each binary message. <paramref name="data"/> is valid only until the returned task completes.
    /// Override it to accept binary messages.
    /// </summary>
    public virtual ValueTask OnReceiveBytesAsync(WebSocket ws, ReadOnlyMemory<byte> data) => default;

    /// <summary>Runs once when an accepted connection ends, for whatever reason.</summary>
    public virtual ValueTask OnDisconnectAsync(WebSocket ws) => default;

    /// <summary>
    /// Runs when a lifecycle method throws, before anything is logged. Close the connection here
    /// (<see cref="WebSocket.CloseAsync"/> or <c>throw new WebSocketCloseException(code, reason)</c>) to choose the
    /// close code and reason and handle the error; return without closing to leave it to the runtime, which logs it
    /// at Error and closes with 1011 (HTTP 500 before accept).
    /// </summary>
    public virtual ValueTask OnErrorAsync(WebSocket ws, Exception exception) => default;
}
