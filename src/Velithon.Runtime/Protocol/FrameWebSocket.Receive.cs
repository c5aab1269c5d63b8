using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Protocol.Compression;
using TransportState = System.Net.WebSockets.WebSocketState;

namespace Velithon.Protocol;

/// <summary>Receiving: frames read, checked and reassembled into whole messages; pings answered; the peer's close frame recorded.</summary>
internal sealed partial class FrameWebSocket
{
    // Holds the header and payload of the messages most applications exchange (chat lines, small JSON), so those
    // take one read; it is the only buffer an idle connection's waiting read holds.
    private const int ReadBufferSize = 256;

    // How much of a long compressed frame is read before it is inflated.
    private const int CompressedPieceSize = 16 * 1024;

    private byte[] _readBuffer = new byte[ReadBufferSize];
    private int _readOffset;
    private int _readCount;

    // True while the last message handed out lies in _readBuffer: until the next receive, nothing may overwrite it.
    private bool _readBufferLent;

    // Payload of a frame still on the stream that nobody wants: the rest of a message over the limit.
    private long _skipRemaining;

    // Set once the peer broke the protocol: what follows on the stream is not read.
    private bool _failed;

    // 1 while a receive (the application's, or a close waiting for the peer's close frame) reads the stream.
    private int _receiving;
    private TaskCompletionSource? _receiveReleased;

    // Reads issued on the stream, and reads that brought data: it changes whenever the peer's data has been taken from
    // the transport (a pong included), even while what it carried is still being handled.
    private int _reads;

    /// <summary>How many reads the socket has issued or completed with data, for the keep-alive check: it changes whenever the peer was heard.</summary>
    public int ReadCount => Volatile.Read(ref _reads);

    /// <summary>Whether a receive or a close holds the read side.</summary>
    internal bool IsReading => Volatile.Read(ref _receiving) != 0;

    /// <summary>
    /// Receives the next whole message, answering pings and checking the protocol on the way. A text message is
    /// checked for valid UTF-8 unless <paramref name="callerDecodesText"/> (the caller's strict decoding checks it);
    /// its fragments are checked as they arrive either way, so invalid bytes fail the message at the fragment that
    /// carries them (RFC 6455 section 8.1). A violation is reported as <see cref="FrameMessageKind.ProtocolError"/>
    /// for the caller to fail the connection with; a transport failure throws.
    /// </summary>
    /// <param name="maxMessageSize">The largest message, in bytes, after reassembly and decompression.</param>
    /// <param name="callerDecodesText">Whether the caller decodes a text message strictly itself.</param>
    /// <param name="cancellationToken">Cancels the receive; a canceled receive aborts the connection (a frame is left half read).</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FrameMessage> ReceiveMessageAsync(int maxMessageSize, bool callerDecodesText, CancellationToken cancellationToken)
    {
        while (!TryClaimReceive(out var released))
        {
            // A close in progress is reading the stream for the peer's close frame: wait for it, then report how
            // the connection ended.
            await released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The previous message is the caller's no longer (WebSocketMessage: valid until the next receive).
        _readBufferLent = false;
        byte[]? message = null;
        try
        {
            var state = State;
            if (state == TransportState.CloseReceived || (state == TransportState.Closed && _closeStatus is not null))
            {
                return FrameMessage.PeerClosed;
            }

            if (_failed || state is not (TransportState.Open or TransportState.CloseSent))
            {
                throw new WebSocketException(WebSocketError.InvalidState, $"The WebSocket is {state}: nothing more can be received.");
            }

            int length = 0;
            int messageOpcode = -1;
            bool compressed = false;
            int validated = 0;
            while (true)
            {
                FrameHeader header;
                while (!FrameHeader.TryRead(_readBuffer.AsSpan(_readOffset, _readCount), out header))
                {
                    _reads++;
                    CommitFill(_input is null ? await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false) : TakeFromPipe(await _input.ReadAsync(cancellationToken).ConfigureAwait(false)));
                }

                if (Violation(header, messageOpcode) is { } violation)
                {
                    return Fail(WebSocketCloseCode.ProtocolError, violation);
                }

                Consume(header.Length);
                if (!header.IsControl && length + header.PayloadLength > maxMessageSize && !compressed && (header.ReservedBits & 0x4) == 0)
                {
                    // Checked on the 64-bit length before anything is read or rented.
                    _skipRemaining = header.PayloadLength;
                    return FrameMessage.TooBig;
                }

                int payloadLength = (int)Math.Min(header.PayloadLength, int.MaxValue);
                if (header.IsControl)
                {
                    while (_readCount < payloadLength)
                    {
                        _reads++;
                        CommitFill(_input is null ? await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false) : TakeFromPipe(await _input.ReadAsync(cancellationToken).ConfigureAwait(false)));
                    }

                    var payload = TakePayload(payloadLength, header);
                    if (header.Opcode == FrameHeader.Close)
                    {
                        return OnCloseFrame(payload.Span) is { } closeError ? Fail(closeError.Code, closeError.Reason) : FrameMessage.PeerClosed;
                    }

                    if (header.Opcode == FrameHeader.Ping && SentCloseCode == 0)
                    {
                        // Section 5.5.2: a pong with the ping's payload, as soon as practical.
                        await SendControlAsync(FrameHeader.Pong, payload.Span, CancellationToken.None).ConfigureAwait(false);
                    }

                    continue;
                }

                if (messageOpcode < 0)
                {
                    messageOpcode = header.Opcode;
                    compressed = (header.ReservedBits & 0x4) != 0;
                }

                var type = messageOpcode == FrameHeader.Text ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
                if (compressed)
                {
                    // A payload already in the read buffer (the usual small message) is inflated where it lies, without
                    // the state machine of a read.
                    var inflated = payloadLength <= _readCount
                        ? Compression!.Inflate(TakePayload(payloadLength, header).Span, header.Fin, maxMessageSize)
                        : await ReceiveCompressedFrameAsync(header, payloadLength, maxMessageSize, cancellationToken).ConfigureAwait(false);
                    if (inflated != InflateStatus.Ok)
                    {
                        return inflated == InflateStatus.TooBig ? FrameMessage.TooBig : Fail(WebSocketCloseCode.InvalidPayloadData, "The compressed message could not be inflated.");
                    }

                    if (type == WebSocketMessageType.Text
                        && (!header.Fin || !callerDecodesText)
                        && !Compression!.IsValidUtf8SoFar(ref validated, header.Fin))
                    {
                        return Fail(WebSocketCloseCode.InvalidPayloadData, "The text message is not valid UTF-8.");
                    }

                    if (header.Fin)
                    {
                        var (inflatedMessage, inflatedLength) = Compression!.TakeInflated();
                        return new FrameMessage(FrameMessageKind.Data, type, inflatedMessage.AsMemory(0, inflatedLength), inflatedMessage);
                    }

                    continue;
                }

                if (header.Fin && message is null && payloadLength <= _readBuffer.Length)
                {
                    // The usual message: one frame that fits in the read buffer, handed over where it lies.
                    while (_readCount < payloadLength)
                    {
                        _reads++;
                        CommitFill(_input is null ? await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false) : TakeFromPipe(await _input.ReadAsync(cancellationToken).ConfigureAwait(false)));
                    }

                    var payload = TakePayload(payloadLength, header);
                    if (type == WebSocketMessageType.Text && !callerDecodesText && !Utf8.IsValid(payload.Span))
                    {
                        return Fail(WebSocketCloseCode.InvalidPayloadData, "The text message is not valid UTF-8.");
                    }

                    _readBufferLent = true;
                    return new FrameMessage(FrameMessageKind.Data, type, payload, null);
                }

                message = EnsureCapacity(message, length, length + payloadLength, maxMessageSize);
                await ReadPayloadAsync(message.AsMemory(length, payloadLength), header, 0, cancellationToken).ConfigureAwait(false);
                length += payloadLength;
                if (type == WebSocketMessageType.Text
                    && (!header.Fin || !callerDecodesText)
                    && !IsValidUtf8SoFar(message.AsSpan(0, length), ref validated, header.Fin))
                {
                    return Fail(WebSocketCloseCode.InvalidPayloadData, "The text message is not valid UTF-8.");
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

            Compression?.AbandonInflated();
            ReleaseReceive();
        }
    }

    /// <summary>Reads one frame's payload of a compressed message and inflates it onto the message so far.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<InflateStatus> ReceiveCompressedFrameAsync(FrameHeader header, int payloadLength, int maxMessageSize, CancellationToken cancellationToken)
    {
        var compression = Compression!;
        if (payloadLength <= _readBuffer.Length)
        {
            while (_readCount < payloadLength)
            {
                _reads++;
                CommitFill(_input is null ? await _stream.ReadAsync(PrepareFill(), cancellationToken).ConfigureAwait(false) : TakeFromPipe(await _input.ReadAsync(cancellationToken).ConfigureAwait(false)));
            }

            return compression.Inflate(TakePayload(payloadLength, header).Span, header.Fin, maxMessageSize);
        }

        if (header.PayloadLength > MessageCompression.MaxCompressedFrameLength(maxMessageSize))
        {
            // More compressed bytes than a message within the limit can take: refused before reading them.
            _skipRemaining = header.PayloadLength;
            return InflateStatus.TooBig;
        }

        // A long frame is read and inflated a piece at a time, so a connection holds no more than one piece of
        // compressed bytes besides the message it inflates (which the limit bounds).
        byte[] piece = ArrayPool<byte>.Shared.Rent(Math.Min(payloadLength, CompressedPieceSize));
        try
        {
            for (int done = 0; done < payloadLength;)
            {
                int count = Math.Min(piece.Length, payloadLength - done);
                var destination = piece.AsMemory(0, count);
                await ReadPayloadAsync(destination, header, done, cancellationToken).ConfigureAwait(false);

                done += count;
                var status = compression.Inflate(destination.Span, header.Fin && done == payloadLength, maxMessageSize);
                if (status != InflateStatus.Ok)
                {
                    // The rest of the frame is not read: the connection ends.
                    _skipRemaining = payloadLength - done;
                    return status;
                }
            }

            return InflateStatus.Ok;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
        }
    }

    /// <summary>
    /// Reads the next <paramref name="destination"/>.Length bytes of a frame's payload (what the read buffer holds first,
    /// then the stream) and unmasks them; <paramref name="offset"/> is their position within the payload, for the mask.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadPayloadAsync(Memory<byte> destination, FrameHeader header, long offset, CancellationToken cancellationToken)
    {
        int buffered = Math.Min(_readCount, destination.Length);
        _readBuffer.AsSpan(_readOffset, buffered).CopyTo(destination.Span);
        Consume(buffered);
        for (int received = buffered; received < destination.Length;)
        {
            _reads++;
            int read = _input is null
                ? await _stream.ReadAsync(destination.Slice(received), cancellationToken).ConfigureAwait(false)
                : TakeFromPipe(await _input.ReadAsync(cancellationToken).ConfigureAwait(false), destination.Span.Slice(received));
            if (read == 0)
            {
                throw ClosedPrematurely();
            }

            if (read > 0)
            {
                _reads++;
            }

            received += Math.Max(read, 0);
        }

        if (header.Masked)
        {
            FrameHeader.Unmask(destination.Span, header.MaskKey, offset);
        }
    }

    /// <summary>What is wrong with a frame given the message in progress, or null (RFC 6455 sections 5.2 to 5.5, RFC 7692 section 6).</summary>
    private string? Violation(in FrameHeader header, int messageOpcode)
    {
        if (header.ReservedBits != 0
            && (header.ReservedBits != 0x4 || Compression is null || header.Opcode is not (FrameHeader.Text or FrameHeader.Binary)))
        {
            // RFC 7692 section 6: with permessage-deflate, RSV1 marks the first frame of a compressed data message,
            // and only that; RSV2 and RSV3 have no meaning here.
            return Compression is null
                ? "Reserved bits are set, and no extension defines them."
                : "RSV1 may be set only on the first frame of a data message; RSV2 and RSV3 never.";
        }

        if (header.Masked != _isServer)
        {
            // Section 5.1: a client masks every frame; a server masks none.
            return _isServer ? "A client's frames must be masked." : "A server's frames must not be masked.";
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

    /// <summary>The close code the peer's violation calls for (1002 or 1007), once <see cref="FrameMessageKind.ProtocolError"/> was returned.</summary>
    public int ViolationCode { get; private set; }

    /// <summary>What the peer did wrong, for the close frame and the log.</summary>
    public string? ViolationReason { get; private set; }

    /// <summary>Notes that the peer broke the protocol, so nothing more is read, and returns the message that says so.</summary>
    private FrameMessage Fail(int code, string reason)
    {
        _failed = true;
        ViolationCode = code;
        ViolationReason = reason;
        return FrameMessage.Violation;
    }

    /// <summary>
    /// Checks the UTF-8 of a text message received so far, from <paramref name="validated"/> on. Before the final
    /// fragment, a character split across fragments is left for the next check.
    /// </summary>
    internal static bool IsValidUtf8SoFar(ReadOnlySpan<byte> message, ref int validated, bool final)
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

    /// <summary>
    /// Moves what is left in the read buffer to its front and returns the free space after it. The receive path
    /// reads into it itself (<see cref="CommitFill"/> after): a helper method awaiting the read would be one more
    /// async state machine per message.
    /// </summary>
    private Memory<byte> PrepareFill()
    {
        if (_readBufferLent)
        {
            // The caller still holds a message that lies in this buffer (a close reading the peer's close frame
            // while the handler works on its last message): read into a buffer of its own instead.
            var fresh = new byte[ReadBufferSize];
            _readBuffer.AsSpan(_readOffset, _readCount).CopyTo(fresh);
            _readBuffer = fresh;
            _readOffset = 0;
            _readBufferLent = false;
        }
        else if (_readOffset > 0)
        {
            _readBuffer.AsSpan(_readOffset, _readCount).CopyTo(_readBuffer);
            _readOffset = 0;
        }

        return _readBuffer.AsMemory(_readCount);
    }

    /// <summary>
    /// Moves what a read of the transport's pipe returned into the read buffer's free space, as much as fits; the rest
    /// stays in the pipe for the next read. Returns the bytes taken, 0 when the peer closed the transport.
    /// </summary>
    private int TakeFromPipe(ReadResult result) => TakeFromPipe(result, PrepareFill().Span);

    /// <summary>
    /// Moves what a read of the transport's pipe returned into <paramref name="destination"/>, as much as fits. Returns
    /// -1 for a read the server canceled with nothing in it (Kestrel cancels the connection's pending read when it
    /// shuts down, and its own upgrade stream reads again): the caller reads again.
    /// </summary>
    private int TakeFromPipe(ReadResult result, Span<byte> destination)
    {
        var buffer = result.Buffer;
        if (buffer.IsEmpty && result.IsCanceled && !result.IsCompleted)
        {
            _input!.AdvanceTo(buffer.Start);
            return -1;
        }

        int count = (int)Math.Min(buffer.Length, destination.Length);
        if (buffer.IsSingleSegment)
        {
            buffer.FirstSpan.Slice(0, count).CopyTo(destination);
        }
        else
        {
            buffer.Slice(0, count).CopyTo(destination);
        }

        _input!.AdvanceTo(buffer.GetPosition(count));
        return count;
    }

    private void CommitFill(int read)
    {
        if (read < 0)
        {
            // A canceled pipe read with nothing in it: the caller's loop reads again.
            return;
        }

        if (read == 0)
        {
            throw ClosedPrematurely();
        }

        // The peer was heard the moment its bytes left the transport, not once the frame they carry has been handled:
        // answering a ping (section 5.5.2) may wait for the write gate, and a keep-alive check meanwhile must not
        // take an answered peer for a silent one.
        _reads++;
        _readCount += read;
    }

    /// <summary>Takes a whole frame payload of <paramref name="length"/> bytes from the read buffer, unmasked where it lies.</summary>
    private Memory<byte> TakePayload(int length, in FrameHeader header)
    {
        var payload = _readBuffer.AsMemory(_readOffset, length);
        if (header.Masked)
        {
            FrameHeader.Unmask(payload.Span, header.MaskKey, 0);
        }

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

    /// <summary>Records the peer's close frame (section 5.5.1); returns the error when the frame is malformed, else null.</summary>
    private (int Code, string Reason)? OnCloseFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 1)
        {
            return (WebSocketCloseCode.ProtocolError, "A close frame's body is a two-byte code and an optional reason.");
        }

        if (payload.Length >= 2)
        {
            int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
            if (!FrameHeader.IsValidCloseCode(code))
            {
                return (WebSocketCloseCode.ProtocolError, $"{code} is not a close code a peer may send.");
            }

            string reason;
            try
            {
                reason = StrictUtf8.GetString(payload.Slice(2));
            }
            catch (DecoderFallbackException)
            {
                return (WebSocketCloseCode.InvalidPayloadData, "The close reason is not valid UTF-8.");
            }

            _closeStatusDescription = reason;
            _closeStatus = code;
        }
        else
        {
            _closeStatusDescription = string.Empty;
            _closeStatus = WebSocketCloseCode.NoStatusReceived;
        }

        if (!TrySetState(TransportState.Open, TransportState.CloseReceived))
        {
            TrySetState(TransportState.CloseSent, TransportState.Closed);
        }

        return null;
    }

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

    private void ReleaseReceive()
    {
        Interlocked.Exchange(ref _receiving, 0);
        Interlocked.Exchange(ref _receiveReleased, null)?.TrySetResult();
    }
}
