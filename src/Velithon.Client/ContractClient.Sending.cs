using System;
using System.Buffers;
using System.ComponentModel;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon;

public abstract partial class ContractClient
{
    private static readonly JsonEncodedText ReplyType = JsonEncodedText.Encode("reply");
    private static readonly JsonEncodedText ErrorType = JsonEncodedText.Encode("error");
    private static readonly JsonEncodedText CancelType = JsonEncodedText.Encode("cancel");

    /// <summary>Sends <c>{"type":type,"payload":...}</c>: the generated <c>SendAsync</c> calls it.</summary>
    /// <param name="type">The case's tag.</param>
    /// <param name="payload">The message.</param>
    /// <param name="typeInfo">The case's metadata from the contract's context.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="InvalidOperationException">The client is not connected (not yet, reconnecting, or closed).</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected ValueTask SendMessageAsync<T>(JsonEncodedText type, T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return SendAsync(Write(type, 0, payload, typeInfo), cancellationToken);
    }

    /// <summary>
    /// Sends <c>{"type":type,"id":n,"payload":...}</c> and waits for the reply to <c>n</c>: the generated
    /// <c>RequestAsync</c> calls it.
    /// </summary>
    /// <param name="type">The case's tag.</param>
    /// <param name="request">The request.</param>
    /// <param name="requestTypeInfo">The case's metadata.</param>
    /// <param name="replyTypeInfo">The reply's metadata.</param>
    /// <param name="timeout">How long to wait; null for <see cref="ContractClientOptions.RequestTimeout"/>, <see cref="Timeout.InfiniteTimeSpan"/> for ever.</param>
    /// <param name="cancellationToken">Gives up on the reply; the server is sent a <c>cancel</c>.</param>
    /// <returns>The server's reply.</returns>
    /// <exception cref="TimeoutException">No reply came in time; the server was sent a <c>cancel</c>.</exception>
    /// <exception cref="WebSocketRequestException">The server answered with an error, or with a reply that does not deserialize.</exception>
    /// <exception cref="WebSocketDisconnectException">The connection ended first.</exception>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected async Task<TReply> SendRequestAsync<TRequest, TReply>(
        JsonEncodedText type,
        TRequest request,
        JsonTypeInfo<TRequest> requestTypeInfo,
        JsonTypeInfo<TReply> replyTypeInfo,
        TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestTypeInfo);
        ArgumentNullException.ThrowIfNull(replyTypeInfo);
        long id = Interlocked.Increment(ref _lastId);
        var pending = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = pending;
        byte[] reply;
        try
        {
            await SendAsync(Write(type, id, request, requestTypeInfo), cancellationToken).ConfigureAwait(false);
            var wait = timeout ?? _options.RequestTimeout;
            try
            {
                reply = await pending.Task.WaitAsync(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await TrySendCancelAsync(id).ConfigureAwait(false);
                throw new TimeoutException($"The '{type}' request got no reply within {wait}.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await TrySendCancelAsync(id).ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }

        try
        {
            return JsonSerializer.Deserialize(reply, replyTypeInfo)
                ?? throw new WebSocketRequestException($"The reply to the '{type}' request is null.");
        }
        catch (JsonException exception)
        {
            throw new WebSocketRequestException($"The reply to the '{type}' request is not a {typeof(TReply).Name}: {exception.Message}", exception);
        }
    }

    private Task SendReplyAsync(long id, byte[] reply) => SendAsync(WriteRaw(ReplyType, id, reply), CancellationToken.None).AsTask();

    private Task SendErrorAsync(long id, string error)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, ErrorType);
            writer.WriteNumber("id"u8, id);
            writer.WriteString("error"u8, error);
            writer.WriteEndObject();
        }

        return SendAsync(buffer, CancellationToken.None).AsTask();
    }

    private async Task TrySendCancelAsync(long id)
    {
        try
        {
            var buffer = new ArrayBufferWriter<byte>(32);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, CancelType);
                writer.WriteNumber("id"u8, id);
                writer.WriteEndObject();
            }

            await SendAsync(buffer, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            // Gone already: the server fails the request itself.
        }
    }

    private static ArrayBufferWriter<byte> Write<T>(JsonEncodedText type, long id, T payload, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        if (id > 0)
        {
            writer.WriteNumber("id"u8, id);
        }

        writer.WritePropertyName("payload"u8);
        JsonSerializer.Serialize(writer, payload, typeInfo);
        writer.WriteEndObject();
        writer.Flush();
        return buffer;
    }

    private static ArrayBufferWriter<byte> WriteRaw(JsonEncodedText type, long id, byte[] payload)
    {
        var buffer = new ArrayBufferWriter<byte>(payload.Length + 48);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteNumber("id"u8, id);
        writer.WritePropertyName("payload"u8);
        writer.WriteRawValue(payload, skipInputValidation: true);
        writer.WriteEndObject();
        writer.Flush();
        return buffer;
    }

    private async ValueTask SendAsync(ArrayBufferWriter<byte> message, CancellationToken cancellationToken)
    {
        var socket = _socket;
        if (State != ContractClientState.Open || socket is null)
        {
            throw new InvalidOperationException($"The client is not connected (state: {State}).");
        }

        // A WebSocket (ClientWebSocket, or the transport OpenWebSocket gave) takes one send at a time.
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(message.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
