using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
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
        var socket = _socket;
        if (socket is null)
        {
            return SendTextBeforeAcceptAsync(text, cancellationToken);
        }

        if (_phase != ConnectionPhase.Open)
        {
            return ValueTask.FromException(CreateDisconnectException(null));
        }

        if (_session is not null)
        {
            // A resumable session numbers and keeps each payload (its own copy, taken before this returns), so the
            // text goes through the one session path as bytes.
            return SendTextThroughSession(text, cancellationToken);
        }

        // The socket encodes the text straight into the frame it writes.
        ValueTask send;
        int length;
        try
        {
            send = socket.SendTextAsync(text, cancellationToken, out length);
        }
        catch (Exception exception) when (FrameWebSocket.IsTransportFailure(exception))
        {
            return ValueTask.FromException(OnSendFailed(exception, cancellationToken));
        }

        return Sent(send, length, cancellationToken);
    }

    private ValueTask SendTextThroughSession(string text, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(text, buffer);
            return SendCoreAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public override ValueTask SendTextAsync(ReadOnlyMemory<byte> utf8Text, CancellationToken cancellationToken = default)
    {
        // RFC 6455 section 8.1: the peer fails the connection (1007) on text that is not UTF-8, so it never goes out.
        if (!Utf8.IsValid(utf8Text.Span))
        {
            ThrowNotUtf8(utf8Text.Span, nameof(utf8Text));
        }

        return _socket is null ? SendAfterAcceptAsync(utf8Text, WebSocketMessageType.Text, cancellationToken) : SendCoreAsync(utf8Text, WebSocketMessageType.Text, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask SendAsync(WebSocketMessage message, CancellationToken cancellationToken = default) => message.Kind switch
    {
        // A relay of the message just received (echo, forwarding): its UTF-8 was checked on receipt, so it is not
        // checked twice; any other text is checked as SendTextAsync does.
        WebSocketMessageKind.Text when _receiver is { } receiver && receiver.IsCheckedText(message.Data) && _socket is not null =>
            SendCoreAsync(message.Data, WebSocketMessageType.Text, cancellationToken),
        WebSocketMessageKind.Text => SendTextAsync(message.Data, cancellationToken),
        WebSocketMessageKind.Binary => SendBytesAsync(message.Data, cancellationToken),
        _ => throw new ArgumentException("The message is neither text nor binary.", nameof(message)),
    };

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

        return Sent(send, payload.Length, cancellationToken);
    }

    /// <summary>Counts a send of <paramref name="length"/> bytes once it completes, without a state machine when it already has.</summary>
    private ValueTask Sent(ValueTask send, int length, CancellationToken cancellationToken)
    {
        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
            _runtime.Metrics.MessageSent(length);
            return default;
        }

        return AwaitSendAsync(send, length, cancellationToken);
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


    /// <summary>The first send of a handler that did not accept, as text: accepts, then sends it as above.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendTextBeforeAcceptAsync(string text, CancellationToken cancellationToken)
    {
        await AcceptImplicitlyAsync().ConfigureAwait(false);
        await SendTextAsync(text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses bytes that are not UTF-8 as a text message's, naming where they stop being UTF-8.</summary>
    private static void ThrowNotUtf8(ReadOnlySpan<byte> utf8Text, string paramName)
    {
        Utf8.ToUtf16(utf8Text, new char[utf8Text.Length], out int valid, out _, replaceInvalidSequences: false);
        throw new ArgumentException(
            $"A text message must be valid UTF-8 (RFC 6455 section 5.6); the bytes are not, from offset {valid}. Send bytes that are not text with SendBytesAsync.",
            paramName);
    }
}
