using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Velithon;

public abstract partial class ContractClient
{
    // Close codes after which a new attempt may succeed (RFC 6455 section 7.4.1: 1001 going away, 1005 no status,
    // 1006 abnormal; the IANA registry of RFC 6455 section 11.7: 1011-1014).
    private static bool IsRetryable(int code) => code is 1001 or 1005 or 1006 or 1011 or 1012 or 1013 or 1014;

    /// <summary>
    /// Hands a one-way message of the server to its handler property; the generated class writes it as a switch
    /// on the tag. Returns false for a tag the contract does not have (the message is ignored).
    /// </summary>
    /// <param name="type">The envelope's <c>type</c>.</param>
    /// <param name="payload">The envelope's <c>payload</c>, as JSON.</param>
    /// <param name="cancellationToken">Fires when the client closes.</param>
    protected abstract ValueTask<bool> OnMessageAsync(string type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// Answers a request of the server with its handler property's result, serialized; the generated class writes it
    /// as a switch on the tag. Null for a tag the contract does not have (answered with an error).
    /// </summary>
    /// <param name="type">The envelope's <c>type</c>.</param>
    /// <param name="payload">The envelope's <c>payload</c>, as JSON.</param>
    /// <param name="cancellationToken">Fires when the server cancels the request, or the client closes.</param>
    protected abstract ValueTask<byte[]>? OnRequestAsync(string type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// The metadata of the server's case tagged <paramref name="type"/> (a one-way message or a request), for
    /// <see cref="MessageReceived"/>; the generated class writes it as a switch on the tag. Null for a tag the contract
    /// does not have.
    /// </summary>
    /// <param name="type">The envelope's <c>type</c>.</param>
    /// <returns>The case's metadata, or null.</returns>
    protected virtual System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetServerCaseTypeInfo(string type) => null;

    /// <summary>Deserializes <paramref name="payload"/> and calls <paramref name="handler"/>, if there is one: the generated <see cref="OnMessageAsync"/> calls it.</summary>
    /// <returns>True: the tag is the contract's.</returns>
    /// <exception cref="JsonException">The payload is not a <typeparamref name="T"/>.</exception>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    protected static async ValueTask<bool> InvokeAsync<T>(Func<T, CancellationToken, ValueTask>? handler, ReadOnlyMemory<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        if (handler is not null)
        {
            T value = JsonSerializer.Deserialize(payload.Span, typeInfo) ?? throw new JsonException($"The payload of a {typeof(T).Name} is null.");
            await handler(value, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Deserializes the server's request, calls <paramref name="handler"/> and serializes its reply: the generated <see cref="OnRequestAsync"/> calls it.</summary>
    /// <exception cref="WebSocketRequestException">There is no handler: the server gets an error.</exception>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    protected static async ValueTask<byte[]> AnswerAsync<TRequest, TReply>(
        Func<TRequest, CancellationToken, ValueTask<TReply>>? handler,
        string type,
        ReadOnlyMemory<byte> payload,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TRequest> requestTypeInfo,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TReply> replyTypeInfo,
        CancellationToken cancellationToken)
    {
        if (handler is null)
        {
            throw new WebSocketRequestException($"This client has no handler for the '{type}' request.");
        }

        TRequest request = JsonSerializer.Deserialize(payload.Span, requestTypeInfo) ?? throw new JsonException($"The payload of a {typeof(TRequest).Name} is null.");
        TReply reply = await handler(request, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(reply, replyTypeInfo);
    }

    /// <summary>Receives until the connection ends, then reconnects while the options allow.</summary>
    private async Task RunAsync(System.Net.WebSockets.WebSocket socket)
    {
        while (true)
        {
            var (code, reason) = await ReceiveAllAsync(socket).ConfigureAwait(false);
            FailPending(code, reason);
            var reconnect = _options.Reconnect;
            bool again = !_closing && reconnect is not null && reconnect.MaxAttempts > 0 && IsRetryable(code);
            Volatile.Write(ref _state, (int)(again ? ContractClientState.Reconnecting : ContractClientState.Closed));
            Raise(Closed, new ContractClientClosed(code, reason, again));
            socket.Dispose();
            if (!again)
            {
                return;
            }

            var next = await ReconnectAsync(reconnect!).ConfigureAwait(false);
            if (next is null)
            {
                Volatile.Write(ref _state, (int)ContractClientState.Closed);
                Raise(Closed, new ContractClientClosed(code, reason, false));
                return;
            }

            socket = next;
            _socket = next;
            Volatile.Write(ref _state, (int)ContractClientState.Open);
            Raise(Opened, true);
        }
    }

    /// <summary>Attempts new connections after growing delays; null when the attempts ran out or the client closed.</summary>
    private async Task<System.Net.WebSockets.WebSocket?> ReconnectAsync(ReconnectOptions reconnect)
    {
        for (int attempt = 0; attempt < reconnect.MaxAttempts; attempt++)
        {
            var delay = reconnect.DelayBefore(attempt);
            if (reconnect.Jitter)
            {
                delay *= 0.5 + Random.Shared.NextDouble() / 2;
            }

            try
            {
                await Task.Delay(delay, _options.TimeProvider, _lifetime.Token).ConfigureAwait(false);
                return await OpenAsync(_lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !_lifetime.IsCancellationRequested)
            {
                // Refused or unreachable: the next attempt waits longer. Not only WebSocketException: a transport of
                // ContractClientOptions.OpenWebSocket throws its own (the in-memory one's refused handshake, a
                // timeout), and one escaping here left the client Reconnecting with no final Closed.
            }
        }

        return null;
    }

    /// <summary>Reads messages until the connection ends; returns its close code and reason.</summary>
    private async Task<(int Code, string Reason)> ReceiveAllAsync(System.Net.WebSockets.WebSocket socket)
    {
        var message = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                var memory = message.GetMemory(4096);
                var result = await socket.ReceiveAsync(memory, _lifetime.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    int code = (int?)socket.CloseStatus ?? WebSocketCloseCode.NoStatusReceived;
                    string reason = socket.CloseStatusDescription ?? "";
                    if (socket.State == System.Net.WebSockets.WebSocketState.CloseReceived)
                    {
                        // Answer the server's close with its code (RFC 6455 section 5.5.1).
                        await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.Empty, null, CancellationToken.None).ConfigureAwait(false);
                    }

                    return (code, reason);
                }

                message.Advance(result.Count);
                if (message.WrittenCount > _options.MaxMessageSize)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "The message is too big.", CancellationToken.None).ConfigureAwait(false);
                    return (WebSocketCloseCode.MessageTooBig, "The message is too big.");
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    await ReceiveEnvelopeAsync(message.WrittenMemory).ConfigureAwait(false);
                }

                message.ResetWrittenCount();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Dropped without a close frame, or aborted by the client (RFC 6455 section 7.1.5: 1006).
            return socket.CloseStatus is { } status ? ((int)status, socket.CloseStatusDescription ?? "") : (WebSocketCloseCode.AbnormalClosure, "");
        }
    }

    private async ValueTask ReceiveEnvelopeAsync(ReadOnlyMemory<byte> json)
    {
        if (!ClientEnvelope.TryRead(json, out var envelope))
        {
            return;
        }

        switch (envelope.Type)
        {
            case "reply":
                if (_pending.TryRemove(envelope.Id, out var replied))
                {
                    replied.TrySetResult(envelope.Payload.ToArray());
                }

                return;
            case "error":
                if (envelope.Id > 0 && _pending.TryRemove(envelope.Id, out var failed))
                {
                    failed.TrySetException(new WebSocketRequestException(envelope.Error ?? "The server answered with an error."));
                }
                else
                {
                    Raise(ErrorReceived, new ContractError(envelope.Error ?? "", envelope.Errors));
                }

                return;
            case "cancel":
                // The server gave up on its request: the handler is told through its token; its reply is dropped.
                if (_answering.TryRemove(envelope.Id, out var answering))
                {
                    Cancel(answering);
                }

                return;
        }

        if (MessageReceived is { } received)
        {
            Raise(received, Describe(envelope));
        }

        if (envelope.Id > 0)
        {
            // Answered beside the loop, so a handler that awaits a request of this client gets its reply.
            _ = AnswerServerAsync(envelope.Type, envelope.Id, envelope.Payload.ToArray());
            return;
        }

        try
        {
            await OnMessageAsync(envelope.Type, envelope.Payload, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_lifetime.IsCancellationRequested)
        {
            OnHandlerFailed(exception);
        }
    }

    private ContractClientMessage Describe(ClientEnvelope envelope)
    {
        object? payload = null;
        if (GetServerCaseTypeInfo(envelope.Type) is { } typeInfo)
        {
            try
            {
                payload = JsonSerializer.Deserialize(envelope.Payload.Span, typeInfo);
            }
            catch (JsonException)
            {
                // Its handler reports the malformed payload; the observer sees the JSON alone.
            }
        }

        return new ContractClientMessage(envelope.Type, envelope.Id, payload, System.Text.Encoding.UTF8.GetString(envelope.Payload.Span));
    }

    private async Task AnswerServerAsync(string type, long id, byte[] payload)
    {
        using var canceled = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        _answering[id] = canceled;
        try
        {
            byte[] reply;
            try
            {
                reply = await (OnRequestAsync(type, payload, canceled.Token)
                    ?? throw new WebSocketRequestException($"'{type}' is not a request of this contract.")).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (canceled.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                if (exception is not WebSocketRequestException)
                {
                    OnHandlerFailed(exception);
                }

                await SendErrorAsync(id, exception.Message).ConfigureAwait(false);
                return;
            }

            if (!canceled.IsCancellationRequested)
            {
                await SendReplyAsync(id, reply).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection ended before the answer could go: the server's request fails with its disconnect.
        }
        finally
        {
            _answering.TryRemove(id, out _);
        }
    }

    private void FailPending(int code, string reason)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.TrySetException(new WebSocketDisconnectException(code, reason));
            }
        }

        foreach (var id in _answering.Keys)
        {
            if (_answering.TryRemove(id, out var answering))
            {
                Cancel(answering);
            }
        }
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Its answer finished meanwhile.
        }
    }
}
