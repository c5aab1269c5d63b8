using System;
using System.Buffers;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using Velithon.Protocol;

namespace Velithon.Connections;

internal sealed partial class ServerWebSocket
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private MessageReceiver? _receiver;

    /// <summary>Whether nothing more can be received: <see cref="ClientState"/> is Disconnected (read without its switch, per receive).</summary>
    private bool IsClientGone => _phase == ConnectionPhase.Closed || (_phase == ConnectionPhase.Closing && _peerClosed);

    /// <inheritdoc />
    public override ValueTask<WebSocketMessage> ReceiveAsync(CancellationToken cancellationToken = default) =>
        ReceiveMessageAsync(cancellationToken);

    /// <inheritdoc />
    public override ValueTask<string> ReceiveTextAsync(CancellationToken cancellationToken = default) =>
        StartReceive(ReceiveMode.Text, disconnectAsDefault: false, cancellationToken, out short version, out var error) is { } receiver
            ? new ValueTask<string>(receiver, version)
            : ValueTask.FromException<string>(error!);

    /// <inheritdoc />
    public override ValueTask<byte[]> ReceiveBytesAsync(CancellationToken cancellationToken = default) =>
        StartReceive(ReceiveMode.Bytes, disconnectAsDefault: false, cancellationToken, out short version, out var error) is { } receiver
            ? new ValueTask<byte[]>(receiver, version)
            : ValueTask.FromException<byte[]>(error!);

    /// <summary>
    /// Receives text messages until the peer closes normally, as the base class does, but learns of the close
    /// without an exception: on Native AOT a throw costs more than the rest of a connection's end.
    /// </summary>
    public override async IAsyncEnumerable<string> ReceiveTextMessagesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var receiver = StartReceive(ReceiveMode.Text, disconnectAsDefault: true, cancellationToken, out short version, out var error);
            string? message = receiver is not null
                ? await new ValueTask<string>(receiver, version).ConfigureAwait(false)
                : error is null ? null : throw error;
            if (message is null)
            {
                // The connection is over: quietly if the peer closed it normally, else as ReceiveTextAsync reports it.
                if (CloseCode is int code && WebSocketCloseCode.IsNormalClosure(code))
                {
                    yield break;
                }

                throw CreateDisconnectException(null);
            }

            yield return message;
        }
    }

    /// <summary>
    /// Receives messages until the peer closes normally, as the base class does, but learns of the close without an
    /// exception, as <see cref="ReceiveTextMessagesAsync"/> does.
    /// </summary>
    public override async IAsyncEnumerable<WebSocketMessage> ReceiveMessagesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var receiver = StartReceive(ReceiveMode.Message, disconnectAsDefault: true, cancellationToken, out short version, out var error);
            var message = receiver is not null
                ? await new ValueTask<WebSocketMessage>(receiver, version).ConfigureAwait(false)
                : error is null ? default : throw error;
            if (message.Kind == 0)
            {
                // The connection is over: quietly if the peer closed it normally, else as ReceiveAsync reports it.
                if (CloseCode is int code && WebSocketCloseCode.IsNormalClosure(code))
                {
                    yield break;
                }

                throw CreateDisconnectException(null);
            }

            yield return message;
        }
    }

    /// <summary>
    /// Receives the next whole message, or <c>default</c> (whose <see cref="WebSocketMessage.Kind"/> is 0) where
    /// <see cref="ReceiveAsync"/> would throw <see cref="WebSocketDisconnectException"/>: for the endpoint runner,
    /// which owns its receive loop and so need not pay for a throw when the connection ends.
    /// </summary>
    internal ValueTask<WebSocketMessage> ReceiveOrDisconnectAsync() =>
        StartReceive(ReceiveMode.Message, disconnectAsDefault: true, CancellationToken.None, out short version, out var error) is { } receiver
            ? new ValueTask<WebSocketMessage>(receiver, version)
            : error is null ? default : ValueTask.FromException<WebSocketMessage>(error);

    /// <summary>Receives the next whole message; see <see cref="MessageReceiver"/>.</summary>
    private ValueTask<WebSocketMessage> ReceiveMessageAsync(CancellationToken cancellationToken) =>
        StartReceive(ReceiveMode.Message, disconnectAsDefault: false, cancellationToken, out short version, out var error) is { } receiver
            ? new ValueTask<WebSocketMessage>(receiver, version)
            : ValueTask.FromException<WebSocketMessage>(error!);

    /// <summary>
    /// Starts the connection's receive operation and returns it with the version its result carries, or null
    /// with the error to report (null too when the connection is over and <paramref name="disconnectAsDefault"/>).
    /// </summary>
    private MessageReceiver? StartReceive(ReceiveMode mode, bool disconnectAsDefault, CancellationToken cancellationToken, out short version, out Exception? error)
    {
        version = 0;
        Task? accepting = null;
        if (_socket is null)
        {
            // The first receive accepts the handshake if the handler has not: the receiver goes on once it is done.
            lock (_stateLock)
            {
                if (_acceptTask is null && _phase == ConnectionPhase.Connecting)
                {
                    _phase = ConnectionPhase.Accepting;
                    _acceptTask = AcceptCoreAsync(null, null);
                }

                accepting = _acceptTask;
            }
        }

        if ((_socket is null && accepting is null) || IsClientGone)
        {
            error = disconnectAsDefault ? null : CreateDisconnectException(null);
            return null;
        }

        var receiver = _receiver ??= new MessageReceiver(this);
        if (!receiver.TryStart(accepting, mode, disconnectAsDefault, cancellationToken, out version))
        {
            // Refused before anything else: the receive in progress, and the message before it, are untouched.
            error = new InvalidOperationException("A receive is already in progress on this connection; receive one message at a time.");
            return null;
        }

        error = null;
        return receiver;
    }

    /// <summary>What a receive returns: the message, or its text or bytes checked and converted.</summary>
    private enum ReceiveMode
    {
        Message,
        Text,
        Bytes,
    }

    /// <summary>
    /// Receives one message at a time from the connection's socket, as a reusable operation rather than an async
    /// method. Two reasons. A connection usually ends with the peer's close frame, which the handler's receive
    /// reports as <see cref="WebSocketDisconnectException"/>; an async method can only fail its task by throwing,
    /// and on Native AOT each throw walks the stack (15,000 to 35,000 instructions), so here the exception is handed
    /// to the awaiting handler without being thrown first. And an idle connection holds this one object instead of
    /// a suspended state machine.
    /// </summary>
    /// <remarks>
    /// Receives are one at a time, so one instance per connection serves them all, and it completes as a message,
    /// a string (<see cref="ReceiveTextAsync"/>) or an array (<see cref="ReceiveBytesAsync"/>), checked and converted
    /// before the caller resumes. It owns the pooled buffer of the last message it handed out, which stays valid
    /// until the next receive starts (<see cref="WebSocketMessage"/>) and goes back to the pool then, or when the
    /// connection completes.
    /// </remarks>
    private sealed class MessageReceiver : IValueTaskSource<WebSocketMessage>, IValueTaskSource<string>, IValueTaskSource<byte[]>
    {
        private readonly ServerWebSocket _owner;
        private Action? _onAccepted;
        private Task? _accepting;
        private ManualResetValueTaskSourceCore<WebSocketMessage> _core;
        private Action? _onMessageReceived;
        private ConfiguredValueTaskAwaitable<FrameMessage>.ConfiguredValueTaskAwaiter _pendingMessage;
        private CancellationToken _cancellationToken;
        private byte[]? _heldBuffer;
        private bool _disconnectAsDefault;
        private ReceiveMode _mode;
        private object? _converted;
        private WebSocketDisconnectException? _disconnect;
        private int _busy;

        // The payload of the last text message handed out whole, whose UTF-8 the socket checked on receipt (RFC 6455
        // section 8.1): a send of exactly that memory before the next receive need not check it again.
        private ReadOnlyMemory<byte> _checkedText;

        public MessageReceiver(ServerWebSocket owner)
        {
            _owner = owner;
        }

        /// <summary>
        /// Starts receiving, unless a receive is in progress; <paramref name="accepting"/>, when not null, is the
        /// handshake to finish first. The result carries <paramref name="version"/>.
        /// </summary>
        public bool TryStart(Task? accepting, ReceiveMode mode, bool disconnectAsDefault, CancellationToken cancellationToken, out short version)
        {
            if (Interlocked.Exchange(ref _busy, 1) != 0)
            {
                version = 0;
                return false;
            }

            // This receive is the next one: the last message's buffer is the caller's no longer.
            _checkedText = default;
            ReleaseHeldBuffer();
            _core.Reset();
            _mode = mode;
            _cancellationToken = cancellationToken;
            _disconnectAsDefault = disconnectAsDefault;
            version = _core.Version;
            _accepting = accepting;
            if (accepting is null || accepting.IsCompleted)
            {
                OnAccepted();
            }
            else
            {
                // Only a first receive that has to wait for the handshake gets here: the delegate is made on demand.
                accepting.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onAccepted ??= OnAccepted);
            }

            return true;
        }

        /// <summary>
        /// Whether <paramref name="utf8Text"/> is exactly the payload of the last text message this receiver handed out,
        /// before the next receive: the socket checked its UTF-8 on receipt, and it is the receiver's memory, which
        /// nothing else writes to until then. Memory the caller built itself, or a slice of the payload, never is.
        /// </summary>
        public bool IsCheckedText(ReadOnlyMemory<byte> utf8Text) => !_checkedText.IsEmpty && utf8Text.Equals(_checkedText);

        /// <summary>Returns the last message's buffer to the pool, when the connection completes; never while a receive runs.</summary>
        public void ReleaseWhenIdle()
        {
            if (Interlocked.CompareExchange(ref _busy, 1, 0) == 0)
            {
                // The payload goes back to the pool: it is no longer the checked text a relay may send as it is.
                _checkedText = default;
                ReleaseHeldBuffer();
                Volatile.Write(ref _busy, 0);
            }
        }

        public WebSocketMessage GetResult(short token)
        {
            WebSocketMessage message;
            WebSocketDisconnectException? disconnect;
            try
            {
                message = _core.GetResult(token);
            }
            finally
            {
                disconnect = TakeDisconnect();
            }

            // Thrown here, in the frame the caller's await calls, not rethrown through the core: on Native AOT each
            // frame between a throw and its catch costs a walk of the unwind tables (see the class remarks).
            return disconnect is null ? message : throw disconnect;
        }

        string IValueTaskSource<string>.GetResult(short token) => (string)TakeConverted(token);

        byte[] IValueTaskSource<byte[]>.GetResult(short token) => (byte[])TakeConverted(token);

        /// <summary>The string or array a text or bytes receive produced (or its exception).</summary>
        private object TakeConverted(short token)
        {
            object? converted;
            WebSocketDisconnectException? disconnect;
            try
            {
                _core.GetResult(token);
                converted = _converted;
            }
            finally
            {
                _converted = null;
                disconnect = TakeDisconnect();
            }

            return disconnect is null ? converted! : throw disconnect;
        }

        /// <summary>Ends the receive: the disconnect it completed with, if any, is the caller's to throw.</summary>
        private WebSocketDisconnectException? TakeDisconnect()
        {
            var disconnect = _disconnect;
            _disconnect = null;
            Volatile.Write(ref _busy, 0);
            return disconnect;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private void OnAccepted()
        {
            if (_accepting is { } accepting)
            {
                _accepting = null;
                if (!accepting.IsCompletedSuccessfully)
                {
                    // Looked at rather than rethrown: see the class remarks.
                    if (accepting.Exception?.InnerException is { } thrown)
                    {
                        // Thrown by the accept already: rethrown through the core, which keeps where it came from.
                        SetThrownException(thrown);
                    }
                    else
                    {
                        SetException(_owner.CreateDisconnectException(null));
                    }

                    return;
                }

                if (_owner.ClientState == WebSocketState.Disconnected)
                {
                    SetException(_owner.CreateDisconnectException(null));
                    return;
                }
            }

            ValueTask<FrameMessage> receive;
            try
            {
                receive = _owner._session is { } session
                    ? session.ReceiveAsync(_owner.Policy.MaxMessageSize, callerDecodesText: _mode == ReceiveMode.Text, _cancellationToken)
                    : _owner._socket!.ReceiveMessageAsync(_owner.Policy.MaxMessageSize, callerDecodesText: _mode == ReceiveMode.Text, _cancellationToken);
            }
            catch (Exception exception)
            {
                receive = ValueTask.FromException<FrameMessage>(exception);
            }

            _pendingMessage = receive.ConfigureAwait(false).GetAwaiter();
            if (_pendingMessage.IsCompleted)
            {
                OnMessageReceived();
            }
            else
            {
                _pendingMessage.UnsafeOnCompleted(_onMessageReceived ??= OnMessageReceived);
            }
        }

        private void OnMessageReceived()
        {
            FrameMessage message;
            try
            {
                message = _pendingMessage.GetResult();
            }
            catch (Exception exception)
            {
                _pendingMessage = default;
                Fail(exception);
                return;
            }

            _pendingMessage = default;
            switch (message.Kind)
            {
                case FrameMessageKind.Close:
                    FailWith(_owner.OnPeerClosed(reportAsException: !_disconnectAsDefault, out var disconnect), disconnect);
                    break;
                case FrameMessageKind.TooBig:
                    int maxMessageSize = _owner.Policy.MaxMessageSize;
                    Log.MessageTooBig(_owner._runtime.Logger, maxMessageSize);
                    FailWith(_owner.EndForPeerAsync(WebSocketCloseCode.MessageTooBig, $"A message may be at most {maxMessageSize} bytes.", EndingKind.Close));
                    break;
                case FrameMessageKind.ProtocolError:
                    var socket = _owner._socket!;
                    Log.PeerViolatedProtocol(_owner._runtime.Logger, socket.ViolationCode, socket.ViolationReason!);
                    FailWith(_owner.EndForPeerAsync(socket.ViolationCode, socket.ViolationReason, EndingKind.Fail));
                    break;
                default:
                    _heldBuffer = message.RentedBuffer is { Length: > 0 } rented ? rented : null;
                    Complete(message.Type, message.Payload);
                    break;
            }
        }

        /// <summary>Completes the receive with <paramref name="data"/>, which lies in the held buffer when that is a rented array.</summary>
        private void Complete(WebSocketMessageType messageType, ReadOnlyMemory<byte> data)
        {
            var owner = _owner;
            if (owner.Policy.TracksIdleTime)
            {
                Volatile.Write(ref owner._lastMessageTicks, owner._runtime.Clock.NowMilliseconds);
            }

            owner._runtime.Metrics.MessageReceived(data.Length);
            if (owner.Policy.MessageRateLimit is { } rateLimit && !owner.TryTakeMessageToken(rateLimit))
            {
                ReleaseHeldBuffer();
                FailWith(owner.EndForPeerAsync(WebSocketCloseCode.PolicyViolation, "Message rate limit exceeded.", EndingKind.Close));
                return;
            }

            var message = new WebSocketMessage(
                messageType == WebSocketMessageType.Text ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary,
                data);
            if (_mode != ReceiveMode.Message)
            {
                bool converted = TryConvert(message);

                // Converted into a string or array of its own (or refused): the payload buffer can go back now.
                ReleaseHeldBuffer();
                if (!converted)
                {
                    return;
                }

                message = default;
            }
            else if (messageType == WebSocketMessageType.Text)
            {
                _checkedText = data;
            }

            _core.SetResult(message);
        }

        /// <summary>Checks the message against what the caller asked for, and converts it; on a mismatch, closes as the protocol says.</summary>
        private bool TryConvert(WebSocketMessage message)
        {
            if (_mode == ReceiveMode.Bytes)
            {
                if (message.Kind != WebSocketMessageKind.Binary)
                {
                    FailWith(_owner.EndForPeerAsync(WebSocketCloseCode.UnsupportedData, "Expected a binary message, received a text one.", EndingKind.Close));
                    return false;
                }

                _converted = message.Data.ToArray();
                return true;
            }

            if (message.Kind != WebSocketMessageKind.Text)
            {
                FailWith(_owner.EndForPeerAsync(WebSocketCloseCode.UnsupportedData, "Expected a text message, received a binary one.", EndingKind.Close));
                return false;
            }

            try
            {
                _converted = StrictUtf8.GetString(message.Data.Span);
                return true;
            }
            catch (DecoderFallbackException)
            {
                // The socket checks UTF-8 as fragments arrive and leaves a whole single-frame message to this decoding
                // (RFC 6455 section 8.1): invalid here is the peer's fault.
                FailWith(_owner.EndForPeerAsync(WebSocketCloseCode.InvalidPayloadData, "The text message is not valid UTF-8.", EndingKind.Fail));
                return false;
            }
        }

        /// <summary>Fails the receive as the transport's failure requires: canceled, dropped, or as thrown.</summary>
        private void Fail(Exception exception)
        {
            if (exception is OperationCanceledException && _cancellationToken.IsCancellationRequested)
            {
                // Canceling a receive aborts the transport (a frame is left half read): the connection is over.
                _ = _owner.EndAsync(WebSocketCloseCode.AbnormalClosure, null, EndingKind.Abort);
                SetThrownException(exception);
            }
            else if (FrameWebSocket.IsTransportFailure(exception))
            {
                SetException(_owner.OnTransportFailed(exception));
            }
            else
            {
                SetThrownException(exception);
            }
        }

        /// <summary>Fails the receive with the disconnect an ending produced, once the ending is done.</summary>
        private void FailWith(Task<WebSocketDisconnectException> ending)
        {
            if (ending.IsCompletedSuccessfully)
            {
                SetException(ending.Result);
            }
            else
            {
                FailWhenEnded(ending);
            }
        }

        // Apart from FailWith: a lambda that captures a parameter has its closure made on entry to the method, and
        // the usual ending (the peer's close, answered at once) needs none.
        private void FailWhenEnded(Task<WebSocketDisconnectException> ending) =>
            ending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() =>
                SetException(ending.IsCompletedSuccessfully ? ending.Result : ending.Exception?.InnerException ?? _owner.CreateDisconnectException(null)));

        /// <summary>
        /// Ends the receive once <paramref name="ending"/> (which never faults) is done: with <paramref name="disconnect"/>,
        /// or, when that is null (a caller that asked for a default), with the default message.
        /// </summary>
        private void FailWith(Task ending, WebSocketDisconnectException? disconnect)
        {
            if (ending.IsCompletedSuccessfully)
            {
                EndWith(disconnect);
            }
            else
            {
                FailWhenEnded(ending, disconnect);
            }
        }

        private void FailWhenEnded(Task ending, WebSocketDisconnectException? disconnect) =>
            ending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() =>
            {
                if (!ending.IsCompletedSuccessfully && ending.Exception?.InnerException is { } failure)
                {
                    SetException(failure);
                }
                else
                {
                    EndWith(disconnect);
                }
            });

        private void EndWith(WebSocketDisconnectException? disconnect)
        {
            if (disconnect is null)
            {
                _core.SetResult(default);
            }
            else
            {
                SetException(disconnect);
            }
        }

        private void SetException(Exception exception)
        {
            if (exception is WebSocketDisconnectException disconnect)
            {
                // Never thrown yet, so there is no stack trace to keep: GetResult throws it itself, or, for a caller
                // that asked for a default instead, the receive ends without a throw at all.
                if (!_disconnectAsDefault)
                {
                    _disconnect = disconnect;
                }

                _core.SetResult(default);
            }
            else
            {
                _core.SetException(exception);
            }
        }

        private void SetThrownException(Exception exception)
        {
            if (_disconnectAsDefault && exception is WebSocketDisconnectException)
            {
                _core.SetResult(default);
            }
            else
            {
                _core.SetException(exception);
            }
        }

        private void ReleaseHeldBuffer()
        {
            if (_heldBuffer is { } buffer)
            {
                _heldBuffer = null;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
