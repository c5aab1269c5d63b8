using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Velithon.Testing;

/// <summary>
/// The client end of an in-memory WebSocket connection, opened by <see cref="VelithonTestClient.ConnectAsync"/>.
/// Receives reassemble fragmented messages; a close from the server surfaces as
/// <see cref="WebSocketDisconnectException"/>, the same exception handlers see, and is answered as a browser would.
/// </summary>
public sealed class TestWebSocket : IAsyncDisposable
{
    private readonly System.Net.WebSockets.WebSocket _socket;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _message = new();

    internal TestWebSocket(System.Net.WebSockets.WebSocket socket, IHeaderDictionary? responseHeaders, TimeSpan timeout)
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
    public int? CloseCode => _socket.CloseStatus is { } status ? (int)status : null;

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
        _message.Clear();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(_message.GetMemory(4096), timeout.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    int code = CloseCode ?? WebSocketCloseCode.NoStatusReceived;
                    string reason = CloseReason ?? string.Empty;
                    if (_socket.State == System.Net.WebSockets.WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None).ConfigureAwait(false);
                    }

                    throw new WebSocketDisconnectException(code, reason);
                }

                _message.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    var kind = result.MessageType == WebSocketMessageType.Text ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary;
                    return new WebSocketMessage(kind, _message.WrittenSpan.ToArray());
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No message arrived within {_timeout}.");
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
        await _socket.CloseAsync((WebSocketCloseStatus)code, reason, timeout.Token).ConfigureAwait(false);
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

        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        // One send at a time, as System.Net.WebSockets requires, so tests may send from several tasks.
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(data, type, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
