using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Connections;
using TransportState = System.Net.WebSockets.WebSocketState;

namespace Velithon.Protocol;

/// <summary>
/// The server side of RFC 6455 over an upgraded HTTP stream, written for the way the runtime receives: a whole
/// message at a time (<see cref="ReceiveMessageAsync"/>).
/// </summary>
/// <remarks>
/// <para>
/// The framework's WebSocket receives into the caller's buffer, so a server that holds no buffer while idle has to
/// ask it twice per message (an empty read to wait, then a read with a buffer), paying for its locks, state checks
/// and async machinery each time. Here a connection keeps one small read buffer: a waiting read holds only that,
/// and a message that fits in it is read, unmasked and handed over where it lies, with no second read and no copy.
/// A longer message goes straight from the stream into a pooled array of its exact length.
/// </para>
/// <para>
/// The runtime uses this socket when it sees the upgraded stream itself and no extension is negotiated; with
/// permessage-deflate, or on a server whose WebSocket it cannot see (the in-memory test server), it uses the
/// framework's. <see cref="ReceiveAsync(Memory{byte}, CancellationToken)"/> exists for the
/// <see cref="System.Net.WebSockets.WebSocket"/> contract and hands out a message received whole, in pieces as
/// large as the caller's buffer.
/// </para>
/// </remarks>
internal sealed class FrameWebSocket : System.Net.WebSockets.WebSocket
{
    // Holds the header and payload of the messages most applications exchange (chat lines, small JSON), so those
    // take one read; it is the only buffer an idle connection's waiting read holds.
    private const int ReadBufferSize = 256;

    // After closing for a message over the limit, how much of its frame is read past to find the peer's close frame.
    private const long MaxBytesSkippedForClose = 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly SendGate _writeGate = new();
    private readonly byte[] _readBuffer = new byte[ReadBufferSize];
    private int _readOffset;
    private int _readCount;

    // Payload of a frame still on the stream that nobody wants: the rest of a message over the limit.
    private long _skipRemaining;

    private int _state = (int)TransportState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeStatusDescription;
    private int _sentClose;
    private bool _sendingFragments;

    // 1 while a receive (the application's, or a close waiting for the peer's close frame) reads the stream.
    private int _receiving;
    private TaskCompletionSource? _receiveReleased;

    // What ReceiveAsync(Memory<byte>) has yet to hand out of the message it received.
    private Memory<byte> _unread;
    private byte[]? _unreadBuffer;
    private WebSocketMessageType _unreadType;

    public FrameWebSocket(Stream stream, string? subProtocol)
    {
        _stream = stream;
        SubProtocol = subProtocol;
    }

    public override WebSocketCloseStatus? CloseStatus => _closeStatus;

    public override string? CloseStatusDescription => _closeStatusDescription;

    public override TransportState State => (TransportState)Volatile.Read(ref _state);

    public override string? SubProtocol { get; }

    /// <summary>
    /// Receives the next whole message, answering pings and checking the protocol on the way. A text message is
    /// checked for valid UTF-8 unless <paramref name="callerDecodesText"/> (the caller's strict decoding checks it);
    /// its fragments are checked as they arrive either way. A violation sends the close frame RFC 6455 requires
    /// (1002, or 1007 for bad UTF-8) and fails with a <see cref="WebSocketException"/>.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FrameMessage> ReceiveMessageAsync(int maxMessageSize, bool callerDecodesText, CancellationToken cancellationToken)
    {
        while (!TryClaimReceive(out var released))
        {
            // A close in progress is reading the stream for the peer's close frame (the runtime lets only one
            // receive of its own run at a time): wait for it, then report how the connection ended.
            await released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        byte[]? message = null;
        try
        {
            var state = State;
            if (state == TransportState.CloseReceived || (state == TransportState.Closed && _closeStatus is not null))
            {
                return FrameMessage.PeerClosed;
            }

            if (state is not (TransportState.Open or TransportState.CloseSent))
            {
                throw new WebSocketException(WebSocketError.InvalidState, $"The WebSocket is {state}: nothing more can be received.");
            }

            int length = 0;
            int messageOpcode = -1;
            int validated = 0;
            while (true)
            {
                FrameHeader header;
                while (!FrameHeader.TryRead(_readBuffer.AsSpan(_readOffset, _readCount), out header))
                {
                    CommitFill(await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false));
                }

                if (Violation(header, messageOpcode) is { } violation)
                {
                    throw await FailAsync(WebSocketCloseStatus.ProtocolError, violation).ConfigureAwait(false);
                }

                Consume(header.Length);
                if (!header.IsControl && length + header.PayloadLength > maxMessageSize)
                {
                    // Checked on the 64-bit length before anything is read or rented.
                    _skipRemaining = header.PayloadLength;
                    return FrameMessage.TooBig;
                }

                int payloadLength = (int)header.PayloadLength;
                if (header.IsControl)
                {
                    while (_readCount < payloadLength)
                    {
                        CommitFill(await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false));
                    }

                    var payload = TakeUnmasked(payloadLength, header.MaskKey);
                    if (header.Opcode == FrameHeader.Close)
                    {
                        await OnCloseFrameAsync(payload).ConfigureAwait(false);
                        return FrameMessage.PeerClosed;
                    }

                    if (header.Opcode == FrameHeader.Ping && Volatile.Read(ref _sentClose) == 0)
                    {
                        // Section 5.5.2: a pong with the ping's payload, as soon as practical.
                        await WriteFrameAsync(FrameHeader.Pong, fin: true, payload.Span, CancellationToken.None).ConfigureAwait(false);
                    }

                    continue;
                }

                if (messageOpcode < 0)
                {
                    messageOpcode = header.Opcode;
                }

                var type = messageOpcode == FrameHeader.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
                if (header.Fin && message is null && payloadLength <= _readBuffer.Length)
                {
                    // The usual message: one frame that fits in the read buffer, handed over where it lies.
                    while (_readCount < payloadLength)
                    {
                        CommitFill(await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false));
                    }

                    var payload = TakeUnmasked(payloadLength, header.MaskKey);
                    if (type == WebSocketMessageType.Text && !callerDecodesText && !Utf8.IsValid(payload.Span))
                    {
                        throw await FailAsync(WebSocketCloseStatus.InvalidPayloadData, "The text message is not valid UTF-8.").ConfigureAwait(false);
                    }

                    return new FrameMessage(FrameMessageKind.Data, type, payload, null);
                }

                message = EnsureCapacity(message, length, length + payloadLength, maxMessageSize);
                var destination = message.AsMemory(length, payloadLength);
                int buffered = Math.Min(_readCount, payloadLength);
                _readBuffer.AsSpan(_readOffset, buffered).CopyTo(destination.Span);
                Consume(buffered);
                for (int received = buffered; received < payloadLength;)
                {
                    int read = await _stream.ReadAsync(destination.Slice(received), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw ClosedPrematurely();
                    }

                    received += read;
                }

                FrameHeader.Unmask(destination.Span, header.MaskKey, 0);
                length += payloadLength;
                if (type == WebSocketMessageType.Text
                    && (!header.Fin || !callerDecodesText)
                    && !IsValidUtf8SoFar(message.AsSpan(0, length), ref validated, header.Fin))
                {
                    throw await FailAsync(WebSocketCloseStatus.InvalidPayloadData, "The text message is not valid UTF-8.").ConfigureAwait(false);
                }

                if (header.Fin)
                {
                    var result = new FrameMessage(FrameMessageKind.Data, type, message.AsMemory(0, length), message);
                    message = null;
                    return result;
                }
            }
        }
        catch (Exception exception)
        {
            if (exception is OperationCanceledException)
            {
                // A canceled read leaves a frame half read: the connection cannot go on.
                Abort();
            }

            throw;
        }
        finally
        {
            if (message is not null)
            {
                ArrayPool<byte>.Shared.Return(message);
            }

            ReleaseReceive();
        }
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_unreadBuffer is null && _unread.IsEmpty)
        {
            var message = await ReceiveMessageAsync(Array.MaxLength, callerDecodesText: false, cancellationToken).ConfigureAwait(false);
            if (message.Kind == FrameMessageKind.Close)
            {
                return new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, endOfMessage: true);
            }

            if (message.Kind == FrameMessageKind.TooBig)
            {
                throw await FailAsync(WebSocketCloseStatus.MessageTooBig, "The message is larger than an array can hold.").ConfigureAwait(false);
            }

            _unread = message.Payload;
            _unreadBuffer = message.RentedBuffer ?? [];
            _unreadType = message.Type;
        }

        int count = Math.Min(buffer.Length, _unread.Length);
        _unread.Slice(0, count).CopyTo(buffer);
        _unread = _unread.Slice(count);
        var type = _unreadType;
        bool endOfMessage = _unread.IsEmpty;
        if (endOfMessage)
        {
            ReturnUnread();
        }

        return new ValueWebSocketReceiveResult(count, type, endOfMessage);
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        return new WebSocketReceiveResult(result.Count, result.MessageType, result.EndOfMessage, CloseStatus, CloseStatusDescription);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (messageType is not (WebSocketMessageType.Text or WebSocketMessageType.Binary))
        {
            throw new ArgumentException("Only text and binary messages are sent this way; close with CloseAsync or CloseOutputAsync.", nameof(messageType));
        }

        if (State is not (TransportState.Open or TransportState.CloseReceived))
        {
            throw new WebSocketException(WebSocketError.InvalidState, $"The WebSocket is {State}: no more messages can be sent.");
        }

        int opcode = _sendingFragments ? FrameHeader.Continuation : messageType == WebSocketMessageType.Text ? FrameHeader.Text : FrameHeader.Binary;
        _sendingFragments = !endOfMessage;
        return WriteFrameAsync(opcode, endOfMessage, buffer.Span, cancellationToken);
    }

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    /// <summary>Sends a close frame without waiting for the peer's (RFC 6455 section 5.5.1).</summary>
    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        var state = State;
        if (state is TransportState.Aborted or TransportState.Closed || Interlocked.Exchange(ref _sentClose, 1) != 0)
        {
            return Task.CompletedTask;
        }

        if (state == TransportState.CloseReceived)
        {
            TrySetState(TransportState.CloseReceived, TransportState.Closed);
        }
        else
        {
            TrySetState(TransportState.Open, TransportState.CloseSent);
        }

        // 1005 means "no code": its frame has no body.
        Span<byte> payload = stackalloc byte[FrameHeader.MaxControlPayloadLength];
        int length = 0;
        if (closeStatus != WebSocketCloseStatus.Empty)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)closeStatus);
            length = 2 + Encoding.UTF8.GetBytes(statusDescription ?? string.Empty, payload.Slice(2));
        }

        return WriteFrameAsync(FrameHeader.Close, fin: true, payload.Slice(0, length), cancellationToken).AsTask();
    }

    /// <summary>Sends a close frame, then waits until the peer's arrives, discarding any message before it.</summary>
    public override async Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        await CloseOutputAsync(closeStatus, statusDescription, cancellationToken).ConfigureAwait(false);
        while (_closeStatus is null && State == TransportState.CloseSent)
        {
            // A receive in progress (the handler's) will see the close frame; otherwise read until it comes.
            if (!TryClaimReceive(out var released))
            {
                await released.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                await DiscardUntilCloseAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Abort();
                throw;
            }
            finally
            {
                ReleaseReceive();
            }
        }
    }

    public override void Abort()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state is (int)TransportState.Closed or (int)TransportState.Aborted)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, (int)TransportState.Aborted, state) == state)
            {
                break;
            }
        }

        _stream.Dispose();
        Interlocked.Exchange(ref _receiveReleased, null)?.TrySetResult();
    }

    public override void Dispose()
    {
        int state = Volatile.Read(ref _state);
        if (state is not ((int)TransportState.Closed or (int)TransportState.Aborted))
        {
            Interlocked.CompareExchange(ref _state, (int)TransportState.Closed, state);
        }

        _stream.Dispose();
        ReturnUnread();
    }

    /// <summary>What is wrong with a frame given the message in progress, or null (RFC 6455 sections 5.2 to 5.5).</summary>
    private static string? Violation(in FrameHeader header, int messageOpcode)
    {
        if (header.ReservedBits != 0)
        {
            return "Reserved bits are set, and no extension defines them.";
        }

        if (!header.Masked)
        {
            return "A client's frames must be masked.";
        }

        if (header.PayloadLength < 0)
        {
            return "The payload length's most significant bit is set.";
        }

        switch (header.Opcode)
        {
            case FrameHeader.Close or FrameHeader.Ping or FrameHeader.Pong:
                return !header.Fin ? "Control frames must not be fragmented."
                    : header.PayloadLength > FrameHeader.MaxControlPayloadLength ? "Control frames carry at most 125 bytes."
                    : null;
            case FrameHeader.Continuation:
                return messageOpcode < 0 ? "A continuation frame arrived with no message to continue." : null;
            case FrameHeader.Text or FrameHeader.Binary:
                return messageOpcode >= 0 ? "A new message started before the last one ended." : null;
            default:
                return $"Unknown opcode {header.Opcode}.";
        }
    }

    /// <summary>
    /// Checks the UTF-8 of a text message received so far, from <paramref name="validated"/> on. Before the final
    /// fragment, a character split across fragments is left for the next check.
    /// </summary>
    private static bool IsValidUtf8SoFar(ReadOnlySpan<byte> message, ref int validated, bool final)
    {
        var pending = message.Slice(validated);
        int end = pending.Length;
        if (!final)
        {
            for (int back = 1; back <= 3 && back <= pending.Length; back++)
            {
                byte value = pending[^back];
                if ((value & 0xC0) == 0x80)
                {
                    continue;
                }

                int sequenceLength = value >= 0xF0 ? 4 : value >= 0xE0 ? 3 : value >= 0xC0 ? 2 : 1;
                if (sequenceLength > back)
                {
                    end -= back;
                }

                break;
            }
        }

        if (!Utf8.IsValid(pending.Slice(0, end)))
        {
            return false;
        }

        validated += end;
        return true;
    }

    private static byte[] EnsureCapacity(byte[]? message, int length, int required, int maxMessageSize)
    {
        if (message is not null && message.Length >= required)
        {
            return message;
        }

        // Doubling keeps a message of many fragments linear; the limit caps what one message can take.
        int size = message is null ? required : (int)Math.Min(Math.Max(required, (long)message.Length * 2), Math.Max(required, maxMessageSize));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        if (message is not null)
        {
            message.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(message);
        }

        return larger;
    }

    private static WebSocketException ClosedPrematurely() =>
        new(WebSocketError.ConnectionClosedPrematurely, "The peer closed the connection without a close frame.");

    /// <summary>Reads more of the stream into the read buffer.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken) =>
        CommitFill(await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Moves what is left in the read buffer to its front and returns the free space after it. The receive path
    /// reads into it itself (<see cref="CommitFill"/> after): a helper method awaiting the read would be one more
    /// async state machine per message.
    /// </summary>
    private Memory<byte> PrepareFill()
    {
        if (_readOffset > 0)
        {
            _readBuffer.AsSpan(_readOffset, _readCount).CopyTo(_readBuffer);
            _readOffset = 0;
        }

        return _readBuffer.AsMemory(_readCount);
    }

    private void CommitFill(int read)
    {
        if (read == 0)
        {
            throw ClosedPrematurely();
        }

        _readCount += read;
    }

    /// <summary>Takes a whole frame payload of <paramref name="length"/> bytes from the read buffer, unmasked where it lies.</summary>
    private Memory<byte> TakeUnmasked(int length, uint maskKey)
    {
        var payload = _readBuffer.AsMemory(_readOffset, length);
        FrameHeader.Unmask(payload.Span, maskKey, 0);
        Consume(length);
        return payload;
    }

    private void Consume(int count)
    {
        _readOffset += count;
        _readCount -= count;
        if (_readCount == 0)
        {
            _readOffset = 0;
        }
    }

    /// <summary>Records the peer's close frame (section 5.5.1), or fails the connection if the frame is malformed.</summary>
    private async ValueTask OnCloseFrameAsync(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length == 1)
        {
            throw await FailAsync(WebSocketCloseStatus.ProtocolError, "A close frame's body is a two-byte code and an optional reason.").ConfigureAwait(false);
        }

        if (payload.Length >= 2)
        {
            int code = BinaryPrimitives.ReadUInt16BigEndian(payload.Span);
            if (!FrameHeader.IsValidCloseCode(code))
            {
                throw await FailAsync(WebSocketCloseStatus.ProtocolError, $"{code} is not a close code a peer may send.").ConfigureAwait(false);
            }

            string reason;
            try
            {
                reason = StrictUtf8.GetString(payload.Span.Slice(2));
            }
            catch (DecoderFallbackException)
            {
                throw await FailAsync(WebSocketCloseStatus.InvalidPayloadData, "The close reason is not valid UTF-8.").ConfigureAwait(false);
            }

            _closeStatusDescription = reason;
            _closeStatus = (WebSocketCloseStatus)code;
        }
        else
        {
            _closeStatusDescription = string.Empty;
            _closeStatus = WebSocketCloseStatus.Empty;
        }

        if (!TrySetState(TransportState.Open, TransportState.CloseReceived))
        {
            TrySetState(TransportState.CloseSent, TransportState.Closed);
        }
    }

    /// <summary>Sends the close frame a protocol violation calls for and leaves the connection aborted; returns what the receive throws.</summary>
    private async ValueTask<WebSocketException> FailAsync(WebSocketCloseStatus status, string reason)
    {
        try
        {
            await CloseOutputAsync(status, reason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or WebSocketException)
        {
            // The peer is gone as well; the failure below says what went wrong first.
        }

        Volatile.Write(ref _state, (int)TransportState.Aborted);
        return new WebSocketException(status == WebSocketCloseStatus.InvalidPayloadData ? WebSocketError.Faulted : WebSocketError.HeaderError, reason);
    }

    /// <summary>After our close frame: skips data until the peer's close frame, which ends the handshake.</summary>
    private async ValueTask DiscardUntilCloseAsync(CancellationToken cancellationToken)
    {
        if (_skipRemaining > MaxBytesSkippedForClose)
        {
            // The peer's close frame cannot be told from the payload until the oversized frame ends; reading that
            // far for it is not worth it. The close frame went out, so the connection still ends gracefully.
            Abort();
            return;
        }

        while (_closeStatus is null && State == TransportState.CloseSent)
        {
            if (_skipRemaining > 0)
            {
                if (_readCount == 0)
                {
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                }

                int skipped = (int)Math.Min(_skipRemaining, _readCount);
                Consume(skipped);
                _skipRemaining -= skipped;
                continue;
            }

            FrameHeader header;
            while (!FrameHeader.TryRead(_readBuffer.AsSpan(_readOffset, _readCount), out header))
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            if (header.PayloadLength < 0 || (header.IsControl && header.PayloadLength > FrameHeader.MaxControlPayloadLength))
            {
                // Nothing more can be read from this peer: the close handshake ends here.
                Abort();
                return;
            }

            Consume(header.Length);
            if (header.Opcode != FrameHeader.Close)
            {
                _skipRemaining = header.PayloadLength;
                continue;
            }

            int payloadLength = (int)header.PayloadLength;
            while (_readCount < payloadLength)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            await OnCloseFrameAsync(TakeUnmasked(payloadLength, header.MaskKey)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes one frame with a single write, so that a keep-alive ping (<see cref="TransportStream"/>) only ever
    /// goes between frames. The frame is assembled before waiting for the write gate, so the payload may be
    /// transient memory; it completes without an async state machine when the transport takes it at once.
    /// </summary>
    private ValueTask WriteFrameAsync(int opcode, bool fin, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        byte[] frame = ArrayPool<byte>.Shared.Rent(FrameHeader.MaxServerHeaderLength + payload.Length);
        int headerLength = FrameHeader.Write(frame, opcode, fin, payload.Length);
        payload.CopyTo(frame.AsSpan(headerLength));
        var bytes = frame.AsMemory(0, headerLength + payload.Length);
        return _writeGate.TryEnter() ? WriteHoldingGate(frame, bytes, cancellationToken) : WriteWhenFreeAsync(frame, bytes, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteWhenFreeAsync(byte[] frame, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _writeGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(frame);
            throw;
        }

        await WriteHoldingGate(frame, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="bytes"/> (in <paramref name="frame"/>, rented) with the write gate held; releases both when done.</summary>
    private ValueTask WriteHoldingGate(byte[] frame, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ValueTask write;
        try
        {
            write = _stream.WriteAsync(bytes, cancellationToken);
        }
        catch
        {
            _writeGate.Exit();
            ArrayPool<byte>.Shared.Return(frame);
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            write.GetAwaiter().GetResult();
            _writeGate.Exit();
            ArrayPool<byte>.Shared.Return(frame);
            return default;
        }

        return FinishWriteAsync(frame, write);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FinishWriteAsync(byte[] frame, ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A canceled write may leave a frame half written: the connection cannot go on.
            Abort();
            throw;
        }
        finally
        {
            _writeGate.Exit();
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private bool TrySetState(TransportState from, TransportState to) =>
        Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from;

    /// <summary>
    /// Claims the stream's read side for one receive; when another holds it, returns false with a task that
    /// completes when it lets go. The first try costs one interlocked operation; the task is made only on contention.
    /// </summary>
    private bool TryClaimReceive(out Task released)
    {
        released = Task.CompletedTask;
        if (Interlocked.CompareExchange(ref _receiving, 1, 0) == 0)
        {
            return true;
        }

        // Published before the second try: either that try succeeds, or ReleaseReceive (which frees the claim and
        // then takes this) sees it.
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _receiveReleased, waiter);
        if (Interlocked.CompareExchange(ref _receiving, 1, 0) == 0)
        {
            Interlocked.CompareExchange(ref _receiveReleased, null, waiter);
            return true;
        }

        released = waiter.Task;
        return false;
    }

    /// <summary>Whether a receive or a close holds the read side, for tests that need a close to be reading.</summary>
    internal bool IsReading => Volatile.Read(ref _receiving) != 0;

    private void ReleaseReceive()
    {
        Interlocked.Exchange(ref _receiving, 0);
        Interlocked.Exchange(ref _receiveReleased, null)?.TrySetResult();
    }

    private void ReturnUnread()
    {
        if (_unreadBuffer is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(_unreadBuffer);
        }

        _unreadBuffer = null;
        _unread = default;
    }
}
