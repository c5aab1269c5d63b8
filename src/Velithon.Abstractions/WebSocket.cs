using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Velithon;

/// <summary>
/// One WebSocket connection, as a handler sees it: accept or reject the handshake, send and receive
/// text, bytes and JSON, close, and read what the client sent with the handshake.
/// </summary>
/// <remarks>
/// <para>
/// Accepting is explicit (<see cref="AcceptAsync"/>), as in the handshake of RFC 6455 section 4.2.2, but
/// optional: the first send or receive on a connection that is still <see cref="WebSocketState.Connecting"/>
/// accepts it with no subprotocol. A handler that returns without accepting rejects the handshake with
/// HTTP 403, as does <see cref="CloseAsync"/> before accept.
/// </para>
/// <para>
/// Sends are safe from several tasks at once: each message is written whole, never interleaved with
/// another. Receives must come from one task at a time.
/// </para>
/// <para>
/// When the connection ends, receive and send calls throw <see cref="WebSocketDisconnectException"/>
/// with the close code (the peer's code, or 1006 when the transport dropped).
/// </para>
/// </remarks>
public abstract class WebSocket
{
    /// <summary>Why the JSON calls without a <see cref="JsonTypeInfo{T}"/> are not trim- and AOT-safe.</summary>
    protected const string JsonWithoutTypeInfo = JsonWithoutTypeInfoMessage;

    internal const string JsonWithoutTypeInfoMessage =
        "JSON without a JsonTypeInfo<T> looks T up in the app's HTTP JSON options at run time, by reflection unless a source-generated JsonSerializerContext registered there knows T. Pass a JsonTypeInfo<T> from such a context, or list T in one and register it with ConfigureHttpJsonOptions.";

    /// <summary>The HTTP context of the opening handshake.</summary>
    public abstract HttpContext HttpContext { get; }

    /// <summary>The URL the client connected to, with a <c>ws</c> or <c>wss</c> scheme.</summary>
    public abstract Uri Url { get; }

    /// <summary>The client's address and port, when the transport knows them.</summary>
    public abstract IPEndPoint? Client { get; }

    /// <summary>
    /// This connection's id, unique across every server of the application and never reused, for
    /// <see cref="IWebSocketHub.Connection"/>: <c>{server id}.{sequence}</c>, where the server id is 13 random
    /// base32 characters drawn when the server starts and the sequence counts its connections in hexadecimal
    /// (for example <c>k2m7q4d9x3ab5.1f</c>). The server part tells every server where to send a message for it.
    /// </summary>
    /// <remarks>
    /// Not <c>HttpContext.Connection.Id</c>: that names the TCP connection, which HTTP/2 shares between several
    /// WebSockets, and Kestrel draws it from a counter seeded with the clock at start, which two servers started
    /// in the same tick share. The id is an address, not a secret: a client that learns one can name it, so an
    /// application that lets clients choose whom to message checks that they may.
    /// </remarks>
    public abstract string ConnectionId { get; }

    /// <summary>
    /// The user this connection belongs to, for <see cref="IWebSocketHub.User"/>: by default the
    /// <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/> claim of the handshake's authenticated
    /// user (<c>HttpContext.User</c>), as SignalR's default user id provider reads it; the application can
    /// choose another with <c>VelithonOptions.UserIdProvider</c>. <see langword="null"/> for an anonymous
    /// connection. Read once, when the handshake is accepted, and fixed for the connection's life.
    /// </summary>
    public abstract string? UserId { get; }

    /// <summary>The headers of the opening handshake request.</summary>
    public IHeaderDictionary Headers => HttpContext.Request.Headers;

    /// <summary>The query string parameters of the opening handshake request.</summary>
    public IQueryCollection Query => HttpContext.Request.Query;

    /// <summary>The values of the route template's parameters, as strings, by name.</summary>
    public RouteValueDictionary PathParameters => HttpContext.Request.RouteValues;

    /// <summary>The subprotocols the client offered in <c>Sec-WebSocket-Protocol</c>, in its order of preference.</summary>
    public abstract IReadOnlyList<string> RequestedSubProtocols { get; }

    /// <summary>The subprotocol chosen at accept, or <see langword="null"/> when none was.</summary>
    public abstract string? SubProtocol { get; }

    /// <summary>
    /// The client's side: <see cref="WebSocketState.Connecting"/> during the handshake,
    /// <see cref="WebSocketState.Connected"/> once accepted, <see cref="WebSocketState.Disconnected"/>
    /// once its close frame arrived or the connection dropped.
    /// </summary>
    public abstract WebSocketState ClientState { get; }

    /// <summary>
    /// The server application's side: <see cref="WebSocketState.Connecting"/> until accepted,
    /// <see cref="WebSocketState.Connected"/> once accepted, <see cref="WebSocketState.Disconnected"/>
    /// once it rejected the handshake, sent a close frame, or the connection dropped.
    /// </summary>
    public abstract WebSocketState ApplicationState { get; }

    /// <summary>A token that fires when the connection ends, for whatever reason.</summary>
    public abstract CancellationToken Aborted { get; }

    /// <summary>The code the connection closed with, once it has; otherwise <see langword="null"/>.</summary>
    public abstract int? CloseCode { get; }

    /// <summary>The reason the connection closed with, once it has; otherwise <see langword="null"/>.</summary>
    public abstract string? CloseReason { get; }

    /// <summary>
    /// Accepts the handshake (HTTP 101, or 200 for WebSockets over HTTP/2).
    /// </summary>
    /// <param name="subProtocol">
    /// The subprotocol to confirm, or <see langword="null"/> for none. When the client did not offer it (see
    /// <see cref="RequestedSubProtocols"/>), the handshake is refused with HTTP 400 and a body naming the wanted
    /// and the offered subprotocols, logged at Information, and the returned task throws
    /// <see cref="WebSocketDisconnectException"/> so the handler ends without an error.
    /// </param>
    /// <param name="headers">Extra headers for the handshake response.</param>
    /// <exception cref="InvalidOperationException">The connection was already accepted or closed.</exception>
    /// <exception cref="WebSocketDisconnectException">The client did not offer <paramref name="subProtocol"/>, or left during the handshake.</exception>
    /// <exception cref="ArgumentException">
    /// A header name in <paramref name="headers"/> is not an RFC 9110 token (section 5.1), or a value has a control
    /// character such as CR or LF (section 5.5); nothing has been written, and a handler that lets it escape refuses
    /// the handshake with HTTP 500.
    /// </exception>
    public abstract Task AcceptAsync(string? subProtocol = null, IEnumerable<KeyValuePair<string, string>>? headers = null);

    /// <summary>
    /// Closes the connection with <paramref name="code"/> and <paramref name="reason"/> and waits, for at
    /// most the configured close timeout, for the peer's close frame. Before accept, rejects the
    /// handshake with HTTP 403 instead (the reason becomes the response body).
    /// Closing a connection that has already ended does nothing.
    /// </summary>
    /// <param name="code">A code from <see cref="WebSocketCloseCode"/>, or 3000-4999 for applications.</param>
    /// <param name="reason">A reason of at most 123 UTF-8 bytes (RFC 6455 section 5.5.1).</param>
    public abstract Task CloseAsync(int code = WebSocketCloseCode.NormalClosure, string? reason = null);

    /// <summary>Sends <paramref name="text"/> as one text message, encoded as UTF-8 (a lone surrogate as U+FFFD).</summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The string and UTF-8 overloads differ by the payload's type, as Utf8JsonWriter.WriteStringValue does.")]
    public abstract ValueTask SendTextAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="data"/> as one binary message.</summary>
    public abstract ValueTask SendBytesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends <paramref name="utf8Text"/>, text already encoded as UTF-8, as one text message as it is: nothing is
    /// decoded into a string or encoded again.
    /// </summary>
    /// <remarks>
    /// A text message must be valid UTF-8 (RFC 6455 section 5.6), and a peer that receives one that is not fails the
    /// connection with 1007 (section 8.1). The bytes are checked before anything is sent, so an invalid message costs
    /// only this call, not the connection. Use <see cref="SendBytesAsync"/> for bytes that are not text.
    /// </remarks>
    /// <param name="utf8Text">The message's payload, UTF-8 without a byte order mark; copied before this returns.</param>
    /// <param name="cancellationToken">Cancels the send; a canceled send ends the connection (a frame may be half written).</param>
    /// <exception cref="ArgumentException"><paramref name="utf8Text"/> is not valid UTF-8; nothing was sent and the connection stays open.</exception>
    /// <exception cref="WebSocketDisconnectException">The connection ended.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The string and UTF-8 overloads differ by the payload's type, as Utf8JsonWriter.WriteStringValue does.")]
    public virtual ValueTask SendTextAsync(ReadOnlyMemory<byte> utf8Text, CancellationToken cancellationToken = default)
    {
        ThrowIfNotUtf8(utf8Text.Span, nameof(utf8Text));
        return SendTextAsync(System.Text.Encoding.UTF8.GetString(utf8Text.Span), cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="message"/> on as one message of the same kind (text or binary) without decoding it: for
    /// relays and echoes of what <see cref="ReceiveAsync"/> returned. A text message is sent as
    /// <see cref="SendTextAsync(ReadOnlyMemory{byte}, CancellationToken)"/> sends it, so its bytes are checked as UTF-8.
    /// </summary>
    /// <param name="message">The message; its data is copied before this returns, so it may be one that the next receive replaces.</param>
    /// <param name="cancellationToken">Cancels the send; a canceled send ends the connection (a frame may be half written).</param>
    /// <exception cref="ArgumentException">
    /// The message is neither text nor binary (a <see langword="default"/> one), or it is text that is not valid UTF-8;
    /// nothing was sent and the connection stays open.
    /// </exception>
    /// <exception cref="WebSocketDisconnectException">The connection ended.</exception>
    public virtual ValueTask SendAsync(WebSocketMessage message, CancellationToken cancellationToken = default) => message.Kind switch
    {
        WebSocketMessageKind.Text => SendTextAsync(message.Data, cancellationToken),
        WebSocketMessageKind.Binary => SendBytesAsync(message.Data, cancellationToken),
        _ => throw new ArgumentException("The message is neither text nor binary.", nameof(message)),
    };

    // A text message must be valid UTF-8 (RFC 6455 section 5.6); the runtime's sends check it the same way.
    private static void ThrowIfNotUtf8(ReadOnlySpan<byte> utf8Text, string paramName)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8Text))
        {
            ThrowNotUtf8(utf8Text, paramName);
        }
    }

    private static void ThrowNotUtf8(ReadOnlySpan<byte> utf8Text, string paramName)
    {
        System.Text.Unicode.Utf8.ToUtf16(utf8Text, new char[utf8Text.Length], out int valid, out _, replaceInvalidSequences: false);
        throw new ArgumentException(
            $"A text message must be valid UTF-8 (RFC 6455 section 5.6); the bytes are not, from offset {valid}. Send bytes that are not text with SendBytesAsync.",
            paramName);
    }

    /// <summary>Serializes <paramref name="value"/> with <paramref name="typeInfo"/> and sends it as one text message.</summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    public abstract ValueTask SendJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serializes <paramref name="value"/> with the application's HTTP JSON options
    /// (<c>Microsoft.AspNetCore.Http.Json.JsonOptions</c>, set with <c>ConfigureHttpJsonOptions</c>), as minimal APIs
    /// do, and sends it as one text message. In a trimmed or Native AOT app only the source-generated
    /// <c>JsonSerializerContext</c>s registered in those options know any type.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The options have no metadata for <typeparamref name="T"/>; the message names the type as C# and what to add.
    /// </exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    [RequiresUnreferencedCode(JsonWithoutTypeInfo)]
    [RequiresDynamicCode(JsonWithoutTypeInfo)]
    public abstract ValueTask SendJsonAsync<T>(T value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the next complete message, text or binary, without copying it: see <see cref="WebSocketMessage"/>
    /// for how long its data stays valid.
    /// </summary>
    /// <exception cref="WebSocketDisconnectException">The connection ended.</exception>
    public abstract ValueTask<WebSocketMessage> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the next message, which must be text. A binary message instead closes the connection with
    /// 1003 (unsupported data) and throws <see cref="WebSocketDisconnectException"/>.
    /// </summary>
    public abstract ValueTask<string> ReceiveTextAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the next message, which must be binary. A text message instead closes the connection with
    /// 1003 (unsupported data) and throws <see cref="WebSocketDisconnectException"/>.
    /// </summary>
    public abstract ValueTask<byte[]> ReceiveBytesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the next message, text or binary, and deserializes it as JSON with <paramref name="typeInfo"/>.
    /// Malformed JSON throws <see cref="JsonException"/>; the connection stays open, and if the handler lets
    /// the exception escape, the connection closes with 1007 (invalid payload data).
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    public abstract ValueTask<T?> ReceiveJsonAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the next message and deserializes it as JSON with the application's HTTP JSON options, as
    /// <see cref="SendJsonAsync{T}(T, CancellationToken)"/> serializes. Errors as for
    /// <see cref="ReceiveJsonAsync{T}(JsonTypeInfo{T}, CancellationToken)"/>, and <see cref="InvalidOperationException"/>
    /// when the options have no metadata for <typeparamref name="T"/>.
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo and options-based overloads differ by a required parameter, as HttpResponse.WriteAsJsonAsync does.")]
    [RequiresUnreferencedCode(JsonWithoutTypeInfo)]
    [RequiresDynamicCode(JsonWithoutTypeInfo)]
    public abstract ValueTask<T?> ReceiveJsonAsync<T>(CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives messages, text or binary, until the peer closes the connection normally, so a handler can write
    /// <c>await foreach (var message in ws.ReceiveMessagesAsync())</c>: for relays and echoes, with
    /// <see cref="SendAsync(WebSocketMessage, CancellationToken)"/>. Each message is what <see cref="ReceiveAsync"/>
    /// returns, a view valid until the loop asks for the next one. The enumeration ends quietly on a close from the
    /// peer with 1000, 1001 or no code (<see cref="WebSocketCloseCode.IsNormalClosure"/>); other ends throw <see cref="WebSocketDisconnectException"/>.
    /// </summary>
    /// <remarks>Implementations may override this to end the enumeration without an exception internally.</remarks>
    public virtual async IAsyncEnumerable<WebSocketMessage> ReceiveMessagesAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            WebSocketMessage message;
            try
            {
                message = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketDisconnectException exception) when (WebSocketCloseCode.IsNormalClosure(exception.Code))
            {
                yield break;
            }

            yield return message;
        }
    }

    /// <summary>
    /// Receives text messages until the peer closes the connection normally, so a handler can write
    /// <c>await foreach (var message in ws.ReceiveTextMessagesAsync())</c>. The enumeration ends
    /// quietly on a close from the peer with 1000, 1001 or no code (<see cref="WebSocketCloseCode.IsNormalClosure"/>);
    /// other ends throw <see cref="WebSocketDisconnectException"/>.
    /// </summary>
    /// <remarks>Implementations may override this to end the enumeration without an exception internally.</remarks>
    public virtual async IAsyncEnumerable<string> ReceiveTextMessagesAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            string message;
            try
            {
                message = await ReceiveTextAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketDisconnectException exception) when (WebSocketCloseCode.IsNormalClosure(exception.Code))
            {
                yield break;
            }

            yield return message;
        }
    }
}
