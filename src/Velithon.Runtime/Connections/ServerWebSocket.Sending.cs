using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Protocol;

namespace Velithon.Connections;

/// <summary>Sending: one whole message per call, through the socket's one write gate.</summary>
internal sealed partial class ServerWebSocket
{
    /// <inheritdoc />
    public override ValueTask SendTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Read once: whether the socket copies the text before this returns depends on it.
        bool accepted = _socket is not null;
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        ValueTask send;
        try
        {
            int length = Encoding.UTF8.GetBytes(text, buffer);
            send = accepted
                ? SendCoreAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, cancellationToken)
                : SendAfterAcceptAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, cancellationToken);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (send.IsCompleted || accepted)
        {
            // The socket has copied the text already (or never will): the buffer goes back now.
            ArrayPool<byte>.Shared.Return(buffer);
            return send;
        }

        return ReturnAfterSendAsync(send, buffer);
    }

    /// <inheritdoc />
    public override ValueTask SendBytesAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        _socket is null ? SendAfterAcceptAsync(data, WebSocketMessageType.Binary, cancellationToken) : SendCoreAsync(data, WebSocketMessageType.Binary, cancellationToken);

    /// <summary>
    /// Sends one whole message on an accepted connection. The socket copies the payload before it returns, so the
    /// caller's memory is free as soon as this returns, even while the send goes on; when the connection is open and
    /// the transport takes the frame at once (the usual case), it completes without an async state machine.
    /// </summary>
    private ValueTask SendCoreAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        var socket = _socket!;
        if (_phase != ConnectionPhase.Open)
        {
            return ValueTask.FromException(CreateDisconnectException(null));
        }

        if (_session is { } session)
        {
            // Numbered and kept for a replay; sent on the session's transport, or later on the next one.
            return session.SendAsync(payload, messageType, cancellationToken);
        }

        ValueTask send;
        try
        {
            send = socket.SendAsync(payload, messageType, cancellationToken);
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            return ValueTask.FromException(OnSendFailed(exception, cancellationToken));
        }

        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            _runtime.Metrics.MessageSent(payload.Length);
            return default;
        }

        return AwaitSendAsync(send, payload.Length, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitSendAsync(ValueTask send, int length, CancellationToken cancellationToken)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            throw OnSendFailed(exception, cancellationToken);
        }

        _runtime.Metrics.MessageSent(length);
    }

    /// <summary>
    /// A send failed: the connection is over. Canceling a send ends it too (a frame may be half written). Returns what
    /// the send throws: the caller's cancellation as such, anything else as the connection's disconnect.
    /// </summary>
    private Exception OnSendFailed(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            _ = EndAsync(WebSocketCloseCode.AbnormalClosure, null, EndingKind.Abort);
            return exception;
        }

        if (exception is WebSocketException { WebSocketErrorCode: WebSocketError.InvalidState } && _phase is ConnectionPhase.Closing or ConnectionPhase.Closed)
        {
            // The connection is closing (a close frame went out first): the send is refused, and the close goes on.
            return CreateDisconnectException(null);
        }

        return OnTransportFailed(exception);
    }

    /// <summary>The first send (or receive) of a handler that did not accept accepts the handshake, then sends.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAfterAcceptAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        await AcceptImplicitlyAsync().ConfigureAwait(false);
        await SendCoreAsync(payload, messageType, cancellationToken).ConfigureAwait(false);
    }


    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask ReturnAfterSendAsync(ValueTask send, byte[] buffer)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
