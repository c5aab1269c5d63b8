using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Velithon.Protocol;

namespace Velithon.Testing;

/// <summary>
/// The client end of an in-memory WebSocket connection, opened by <see cref="VelithonTestClient.ConnectAsync"/>.
/// It speaks the same RFC 6455 framing as the server (Velithon's own, in the client's role), over an in-memory
/// transport, so a test exercises the code that ships. Receives reassemble fragmented messages; a close from the
/// server surfaces as <see cref="WebSocketDisconnectException"/>, the same exception handlers see, and is answered
/// as a browser would.
/// </summary>
public sealed class TestWebSocket : IAsyncDisposable
{
    private readonly FrameWebSocket _socket;
    private readonly TimeSpan _timeout;

    internal TestWebSocket(FrameWebSocket socket, IHeaderDictionary? responseHeaders, TimeSpan timeout)
    {
        _socket = socket;
        _timeout = timeout;
        ResponseHeaders = responseHeaders ?? new HeaderDictionary();
    }

    /// <summary>The subprotocol the server chose, or <see langword="null"/>.</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>The headers of the server's 101 response, including those the handler added when it accepted.</summary>
    public IHeaderDictionary ResponseHeaders { get; }

    /// <summary>The close code once the connection has closed (from whichever side closed first), else <see langword="null"/>.</summary>
    public int? CloseCode => _socket.CloseStatus;

    /// <summary>The close reason once the connection has closed, else <see langword="null"/>.</summary>
    public string? CloseReason => _socket.CloseStatus is null ? null : _socket.CloseStatusDescription ?? string.Empty;

    /// <summary>Sends a text message.</summary>
    public Task SendTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, cancellationToken);
    }

    /// <summary>Sends a binary message.</summary>
    public Task SendBytesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        SendAsync(data, WebSocketMessageType.Binary, cancellationToken);

    /// <summary>Sends <paramref name="value"/> as a JSON text message.</summary>
    public Task SendJsonAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return SendAsync(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), WebSocketMessageType.Text, cancellationToken);
    }

    /// <summary>Receives the next message, text or binary, reassembled from its fragments.</summary>
    /// <exception cref="WebSocketDisconnectException">The server closed the connection; the exception carries its code and reason.</exception>
    /// <exception cref="TimeoutException">No message arrived within the client's timeout.</exception>
    public async Task<WebSocketMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        FrameMessage message;
        try
        {
            message = await _socket.ReceiveMessageAsync(Array.MaxLength, callerDecodesText: false, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No message arrived within {_timeout}.");
        }

        switch (message.Kind)
        {
            case FrameMessageKind.Data:
                // Copied out: the socket's buffer is reused by the next receive.
                var kind = message.Type == WebSocketMessageType.Text ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary;
                var data = message.Payload.ToArray();
                if (message.RentedBuffer is { Length: > 0 } rented)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }

                return new WebSocketMessage(kind, data);
            case FrameMessageKind.Close:
                int code = CloseCode ?? WebSocketCloseCode.NoStatusReceived;
                string reason = CloseReason ?? string.Empty;

                // RFC 6455 section 5.5.1: answered with the same code, as a browser does.
                await _socket.CloseOutputAsync(code, null, CancellationToken.None).ConfigureAwait(false);
                throw new WebSocketDisconnectException(code, reason);
            default:
                // The server broke the protocol: the client fails the connection (section 7.1.7).
                bool violation = message.Kind == FrameMessageKind.ProtocolError;
                int failure = violation ? _socket.ViolationCode : WebSocketCloseCode.MessageTooBig;
                await _socket.CloseOutputAsync(failure, null, CancellationToken.None).ConfigureAwait(false);
                throw new WebSocketDisconnectException(failure, violation ? _socket.ViolationReason : "The server's message is too big.");
        }
    }

    /// <summary>Receives the next message, which must be text.</summary>
    /// <exception cref="InvalidOperationException">The message was binary.</exception>
    public async Task<string> ReceiveTextAsync(CancellationToken cancellationToken = default)
    {
        var message = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        return message.IsText
            ? message.GetText()
            : throw new InvalidOperationException($"Expected a text message, received {message.Data.Length} bytes of binary.");
    }

    /// <summary>Receives the next message, which must be binary.</summary>
    /// <exception cref="InvalidOperationException">The message was text.</exception>
    public async Task<byte[]> ReceiveBytesAsync(CancellationToken cancellationToken = default)
    {
        var message = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        return !message.IsText
            ? message.Data.ToArray()
            : throw new InvalidOperationException($"Expected a binary message, received text: {message.GetText()}");
    }

    /// <summary>Receives the next text message and deserializes it with <paramref name="typeInfo"/>.</summary>
    public async Task<T?> ReceiveJsonAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return JsonSerializer.Deserialize(await ReceiveTextAsync(cancellationToken).ConfigureAwait(false), typeInfo);
    }

    /// <summary>Receives the next text message as a JSON element, for assertions on its shape without a model type.</summary>
    public async Task<JsonElement> ReceiveJsonElementAsync(CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse(await ReceiveTextAsync(cancellationToken).ConfigureAwait(false));
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Waits until the server closes the connection, skipping any messages before the close, and returns its
    /// code and reason.
    /// </summary>
    public async Task<(int Code, string Reason)> ReceiveCloseAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketDisconnectException disconnect)
            {
                return (disconnect.Code, disconnect.Reason);
            }
        }
    }

    /// <summary>Closes the connection from the client with <paramref name="code"/> and <paramref name="reason"/>, and waits for the server's answer.</summary>
    public async Task CloseAsync(int code = WebSocketCloseCode.NormalClosure, string? reason = null, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        await _socket.CloseAsync(code, reason, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Closes normally if the connection is still open, then releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_socket.State is System.Net.WebSockets.WebSocketState.Open or System.Net.WebSockets.WebSocketState.CloseReceived)
        {
            try
            {
                await CloseAsync().ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or TimeoutException)
            {
                // The server went away first: nothing is left to close.
            }
        }

        await _socket.DisposeAsync().ConfigureAwait(false);
    }

    // The socket lets one frame at a time onto the transport, so tests may send from several tasks.
    private Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken) =>
        _socket.SendAsync(data, type, cancellationToken).AsTask();
}
