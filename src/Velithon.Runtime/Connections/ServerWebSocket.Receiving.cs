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
using TransportWebSocket = System.Net.WebSockets.WebSocket;

namespace Velithon.Connections;

internal sealed partial class ServerWebSocket
{
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
                if (CloseCode is WebSocketCloseCode.NormalClosure or WebSocketCloseCode.GoingAway or WebSocketCloseCode.NoStatusReceived)
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
                if (_acceptTask is null && _applicationState == WebSocketState.Connecting)
                {
                    _acceptTask = AcceptCoreAsync(null, null);
                }

                accepting = _acceptTask;
            }
        }

        ReturnMessageBuffer();
        if ((_socket is null && accepting is null) || ClientState == WebSocketState.Disconnected)
        {
            error = disconnectAsDefault ? null : CreateDisconnectException(null);
            return null;
        }

        var receiver = _receiver ??= new MessageReceiver(this);
        if (!receiver.TryStart(accepting, mode, disconnectAsDefault, cancellationToken, out version))
        {
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
    /// Receives one message at a time from the connection's WebSocket, as a reusable operation rather than an
    /// async method. Two reasons. A connection usually ends with the peer's close frame, which the handler's
    /// receive reports as <see cref="WebSocketDisconnectException"/>; an async method can only fail its task by
    /// throwing, and on Native AOT each throw walks the stack (15,000 to 35,000 instructions), so here the exception
    /// is handed to the awaiting handler without being thrown first. And an idle connection holds this one
    /// object instead of a suspended state machine.
    /// </summary>
    /// <remarks>
    /// With Velithon's own framing (<see cref="FrameWebSocket"/>) one call returns the whole message. With the
    /// framework's WebSocket (compression, the in-memory test server) the message is reassembled here: the first
    /// read has an empty buffer, so it waits for the next frame without holding one, and only then is a pooled
    /// buffer rented for the payload. Receives are one at a time, so one instance per connection serves them all,
    /// and it completes as a message, a string (<see cref="ReceiveTextAsync"/>) or an array
    /// (<see cref="ReceiveBytesAsync"/>), checked and converted before the caller resumes.
    /// </remarks>
    private sealed class MessageReceiver : IValueTaskSource<WebSocketMessage>, IValueTaskSource<string>, IValueTaskSource<byte[]>
    {
        private readonly ServerWebSocket _owner;
        private Action? _onReadCompleted;
        private Action? _onAccepted;
        private Task? _accepting;
        private ManualResetValueTaskSourceCore<WebSocketMessage> _core;
        private Action? _onMessageReceived;
        private ConfiguredValueTaskAwaitable<ValueWebSocketReceiveResult>.ConfiguredValueTaskAwaiter _pendingRead;
        private ConfiguredValueTaskAwaitable<FrameMessage>.ConfiguredValueTaskAwaiter _pendingMessage;
        private TransportWebSocket? _socket;
        private CancellationToken _cancellationToken;
        private byte[] _buffer = [];
        private int _length;
        private bool _disconnectAsDefault;
        private ReceiveMode _mode;
        private object? _converted;
        private int _busy;

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

            _core.Reset();
            _mode = mode;
            _cancellationToken = cancellationToken;
            _disconnectAsDefault = disconnectAsDefault;
            _buffer = [];
            _length = 0;
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

        public WebSocketMessage GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }

        string IValueTaskSource<string>.GetResult(short token) => (string)TakeConverted(token);

        byte[] IValueTaskSource<byte[]>.GetResult(short token) => (byte[])TakeConverted(token);

        /// <summary>The string or array a text or bytes receive produced (or its exception).</summary>
        private object TakeConverted(short token)
        {
            try
            {
                _core.GetResult(token);
                return _converted!;
            }
            finally
            {
                _converted = null;
                Volatile.Write(ref _busy, 0);
            }
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
                    SetException(accepting.Exception?.InnerException ?? _owner.CreateDisconnectException(null));
                    return;
                }

                _owner.ReturnMessageBuffer();
                if (_owner.ClientState == WebSocketState.Disconnected)
                {
                    SetException(_owner.CreateDisconnectException(null));
                    return;
                }
            }

            _socket = _owner._socket;
            _owner._receiving = true;
            if (_socket is FrameWebSocket frames)
            {
                ReceiveFrames(frames);
            }
            else if (StartRead(Memory<byte>.Empty))
            {
                OnReadCompleted();
            }
        }

        /// <summary>Receives a whole message from Velithon's own framing, which needs neither the empty read nor the loop.</summary>
        private void ReceiveFrames(FrameWebSocket frames)
        {
            ValueTask<FrameMessage> receive;
            try
            {
                receive = frames.ReceiveMessageAsync(_owner._runtime.Options.MaxMessageSize, callerDecodesText: _mode == ReceiveMode.Text, _cancellationToken);
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
                    FailWith(_owner.OnPeerClosedAsync(_socket!));
                    break;
                case FrameMessageKind.TooBig:
                    FailWithMessageTooBig();
                    break;
                default:
                    _buffer = message.RentedBuffer ?? [];
                    _length = message.Payload.Length;
                    Complete(message.Type, message.Payload);
                    break;
            }
        }

        /// <summary>
        /// Starts a read from the transport. Returns true when it completed at once, for the caller to go on in
        /// its loop (a message of many small frames would otherwise recurse once per frame); otherwise
        /// <see cref="OnReadCompleted"/> goes on when it completes.
        /// </summary>
        private bool StartRead(Memory<byte> destination)
        {
            ValueTask<ValueWebSocketReceiveResult> read;
            try
            {
                read = _socket!.ReceiveAsync(destination, _cancellationToken);
            }
            catch (Exception exception)
            {
                read = ValueTask.FromException<ValueWebSocketReceiveResult>(exception);
            }

            _pendingRead = read.ConfigureAwait(false).GetAwaiter();
            if (_pendingRead.IsCompleted)
            {
                return true;
            }

            _pendingRead.UnsafeOnCompleted(_onReadCompleted ??= OnReadCompleted);
            return false;
        }

        private void OnReadCompleted()
        {
            while (true)
            {
                ValueWebSocketReceiveResult result;
                try
                {
                    result = _pendingRead.GetResult();
                }
                catch (Exception exception)
                {
                    _pendingRead = default;
                    Fail(exception);
                    return;
                }

                _pendingRead = default;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ReturnBuffer();
                    FailWith(_owner.OnPeerClosedAsync(_socket!));
                    return;
                }

                int maxMessageSize = _owner._runtime.Options.MaxMessageSize;
                _length += result.Count;
                if (_length > maxMessageSize)
                {
                    ReturnBuffer();
                    FailWithMessageTooBig();
                    return;
                }

                if (result.EndOfMessage)
                {
                    Complete(result.MessageType, _buffer.AsMemory(0, _length));
                    return;
                }

                // Read at most one byte past the limit: enough to know the message is too big.
                int capacity = Math.Min(_buffer.Length, maxMessageSize + 1);
                if (_length == capacity)
                {
                    Grow(Math.Min(Math.Max(InitialReceiveBufferSize, _buffer.Length * 2), maxMessageSize + 1));
                    capacity = Math.Min(_buffer.Length, maxMessageSize + 1);
                }

                if (!StartRead(_buffer.AsMemory(_length, capacity - _length)))
                {
                    return;
                }
            }
        }

        private void FailWithMessageTooBig()
        {
            int maxMessageSize = _owner._runtime.Options.MaxMessageSize;
            Log.MessageTooBig(_owner._runtime.Logger, maxMessageSize);
            FailWith(_owner.CloseForPeerErrorAsync(WebSocketCloseCode.MessageTooBig, $"A message may be at most {maxMessageSize} bytes."));
        }

        /// <summary>Completes the receive with <paramref name="data"/>, which lies in <see cref="_buffer"/> when that is a rented array.</summary>
        private void Complete(WebSocketMessageType messageType, ReadOnlyMemory<byte> data)
        {
            var owner = _owner;
            owner._receiving = false;

            // The payload stays valid until the next receive, which returns the buffer to the pool.
            byte[] payload = _buffer;
            _buffer = [];
            if (payload.Length > 0)
            {
                owner._messageBuffer = payload;
            }

            if (owner._runtime.TracksIdleTime)
            {
                owner._lastMessageTicks = Environment.TickCount64;
            }

            owner._runtime.Metrics.MessageReceived(_length);
            if (owner._runtime.MessageRateLimiter is { } rateLimiter && !owner.TryAcquireMessagePermit(rateLimiter))
            {
                FailWith(owner.CloseForPeerErrorAsync(WebSocketCloseCode.PolicyViolation, "Message rate limit exceeded."));
                return;
            }

            var message = new WebSocketMessage(
                messageType == WebSocketMessageType.Text ? WebSocketMessageKind.Text : WebSocketMessageKind.Binary,
                data);
            if (_mode != ReceiveMode.Message)
            {
                if (!TryConvert(message))
                {
                    return;
                }

                // Converted into a string or array of its own: the payload buffer can go back now.
                owner.ReturnMessageBuffer();
                message = default;
            }

            _socket = null;
            _core.SetResult(message);
        }

        /// <summary>Checks the message against what the caller asked for, and converts it; on a mismatch, closes as the protocol says.</summary>
        private bool TryConvert(WebSocketMessage message)
        {
            if (_mode == ReceiveMode.Bytes)
            {
                if (message.Kind != WebSocketMessageKind.Binary)
                {
                    FailWith(_owner.CloseForPeerErrorAsync(WebSocketCloseCode.UnsupportedData, "Expected a binary message, received a text one."));
                    return false;
                }

                _converted = message.Data.ToArray();
                return true;
            }

            if (message.Kind != WebSocketMessageKind.Text)
            {
                FailWith(_owner.CloseForPeerErrorAsync(WebSocketCloseCode.UnsupportedData, "Expected a text message, received a binary one."));
                return false;
            }

            try
            {
                _converted = StrictUtf8.GetString(message.Data.Span);
                return true;
            }
            catch (DecoderFallbackException)
            {
                // The transport validates UTF-8 as frames arrive (RFC 6455 section 8.1); this is the backstop.
                FailWith(_owner.CloseForPeerErrorAsync(WebSocketCloseCode.InvalidPayloadData, "The text message is not valid UTF-8."));
                return false;
            }
        }

        /// <summary>Fails the receive as the transport's failure requires: canceled, dropped, or as thrown.</summary>
        private void Fail(Exception exception)
        {
            ReturnBuffer();
            if (exception is OperationCanceledException && _cancellationToken.IsCancellationRequested)
            {
                // Canceling a receive aborts the transport: the connection is over.
                _owner.MarkEnded(WebSocketCloseCode.AbnormalClosure, null);
                SetException(exception);
            }
            else if (IsTransportFailure(exception))
            {
                SetException(_owner.OnTransportFailed(_socket!, exception));
            }
            else
            {
                SetException(exception);
            }
        }

        /// <summary>Fails the receive with the disconnect a close produced, once the close is done.</summary>
        private void FailWith(ValueTask<WebSocketDisconnectException> closing)
        {
            if (closing.IsCompletedSuccessfully)
            {
                SetException(closing.Result);
            }
            else
            {
                _ = FailWhenClosedAsync(closing);
            }
        }

        private async Task FailWhenClosedAsync(ValueTask<WebSocketDisconnectException> closing)
        {
            Exception exception;
            try
            {
                exception = await closing.ConfigureAwait(false);
            }
            catch (Exception closeFailure)
            {
                exception = closeFailure;
            }

            SetException(exception);
        }

        private void SetException(Exception exception)
        {
            _owner._receiving = false;
            _socket = null;
            if (_disconnectAsDefault && exception is WebSocketDisconnectException)
            {
                _core.SetResult(default);
            }
            else
            {
                _core.SetException(exception);
            }
        }

        private void Grow(int minimumSize)
        {
            var larger = ArrayPool<byte>.Shared.Rent(minimumSize);
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ReturnBuffer();
            _buffer = larger;
        }

        private void ReturnBuffer()
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }
    }
}
