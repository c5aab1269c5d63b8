using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using System.Threading;
using System.Threading.Tasks;
using Velithon.Connections;
using TransportState = System.Net.WebSockets.WebSocketState;

namespace Velithon.Protocol;

/// <summary>Sending: whole messages, control frames and keep-alive pings, one frame per write, through the connection's one write gate.</summary>
internal sealed partial class FrameWebSocket
{
    // An unmasked ping with no payload (RFC 6455 section 5.5.2): what a server's keep-alive sends.
    private static readonly byte[] PingFrame = [0x89, 0x00];

    private readonly SendGate _writeGate = new();

    // The code of the close frame sent: 0 while none has gone out, 1005 for a close frame without a code.
    private int _sentCloseCode;

    // When the write in progress started waiting for the transport (ConnectionClock milliseconds); 0 when none waits.
    private long _writeWaitingSince;

    /// <summary>The code of the close frame this side sent: 0 when none, 1005 when it had no code.</summary>
    public int SentCloseCode => Volatile.Read(ref _sentCloseCode);

    /// <summary>
    /// Since when (in <see cref="ConnectionClock"/> milliseconds) a frame has waited for the transport to take it,
    /// because the peer stopped reading; 0 when no write waits. For the send timeout.
    /// </summary>
    public long WriteWaitingSince => Volatile.Read(ref _writeWaitingSince);

    /// <summary>
    /// Sends <paramref name="payload"/> as one whole message in one frame (compressed when permessage-deflate was
    /// negotiated, RFC 7692 section 7.2.1). The payload is copied before this returns, so the caller may reuse its
    /// memory at once, even when the send itself goes on; sends complete in the order they were called.
    /// </summary>
    /// <exception cref="WebSocketException">A close frame has gone out, or the connection has ended.</exception>
    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType messageType, CancellationToken cancellationToken)
    {
        if (messageType is not (WebSocketMessageType.Text or WebSocketMessageType.Binary))
        {
            throw new ArgumentException("Only text and binary messages are sent this way; close with CloseOutputAsync.", nameof(messageType));
        }

        if (SentCloseCode != 0 || State is not (TransportState.Open or TransportState.CloseReceived))
        {
            return ValueTask.FromException(new WebSocketException(WebSocketError.InvalidState, $"The WebSocket is {State}: no more messages can be sent."));
        }

        int opcode = messageType == WebSocketMessageType.Text ? FrameHeader.Text : FrameHeader.Binary;
        if (Compression is { } compression)
        {
            return SendCompressedAsync(compression, payload, opcode, cancellationToken);
        }

        return WriteFrameAsync(opcode, payload.Span, rsv1: false, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="text"/> as one whole text message, encoded as UTF-8 straight into the frame it is written
    /// in (no intermediate buffer); otherwise as <see cref="SendAsync"/>.
    /// </summary>
    /// <param name="text">The text; a lone surrogate is encoded as U+FFFD, so the frame is always valid UTF-8 (RFC 6455 section 8.1).</param>
    /// <param name="cancellationToken">Bounds the wait for the write gate and the transport.</param>
    /// <param name="byteCount">The message's length in UTF-8 bytes.</param>
    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken, out int byteCount)
    {
        if (SentCloseCode != 0 || State is not (TransportState.Open or TransportState.CloseReceived))
        {
            byteCount = 0;
            return ValueTask.FromException(new WebSocketException(WebSocketError.InvalidState, $"The WebSocket is {State}: no more messages can be sent."));
        }

        if (Compression is { } compression)
        {
            // The deflater reads the bytes into its own output anyway: encode into a pooled buffer, which the
            // compressed send has consumed or copied by the time it returns.
            byte[] encoded = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
            try
            {
                byteCount = Encoding.UTF8.GetBytes(text, encoded);
                return SendCompressedAsync(compression, encoded.AsMemory(0, byteCount), FrameHeader.Text, cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(encoded);
            }
        }

        if (_output is { } output && _isServer && _writeGate.TryEnterFair())
        {
            // The gate is free: the text is encoded straight into the transport's pipe, after its header.
            return WriteTextToPipeHoldingGate(output, text, out byteCount, cancellationToken);
        }

        // The payload goes after room for the longest header, the header right before it once its length is known.
        byte[] frame = ArrayPool<byte>.Shared.Rent(FrameHeader.MaxClientHeaderLength + Encoding.UTF8.GetMaxByteCount(text.Length));
        byteCount = Encoding.UTF8.GetBytes(text, frame.AsSpan(FrameHeader.MaxClientHeaderLength));
        var bytes = PrependHeader(frame, FrameHeader.Text, byteCount, rsv1: false);
        return _writeGate.TryEnterFair() ? WriteHoldingGate(frame, bytes, cancellationToken) : WriteWhenFreeAsync(frame, bytes, cancellationToken);
    }

    /// <summary>
    /// Sends a data message already framed by the caller: one whole, unmasked server frame (RFC 6455 section 5.1)
    /// without RSV1, written as it is. A broadcast builds its frame once and every uncompressed recipient writes the
    /// same bytes; a connection with permessage-deflate must not take it (its frames are compressed, RFC 7692).
    /// </summary>
    /// <param name="frame">The frame's bytes, which the caller keeps unchanged until the returned task completes.</param>
    /// <param name="cancellationToken">Bounds the wait for the write gate and the transport.</param>
    /// <exception cref="WebSocketException">A close frame has gone out, or the connection has ended.</exception>
    public ValueTask SendFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        System.Diagnostics.Debug.Assert(_isServer && Compression is null, "Only an uncompressed server socket writes a shared frame.");
        if (SentCloseCode != 0 || State is not (TransportState.Open or TransportState.CloseReceived))
        {
            return ValueTask.FromException(new WebSocketException(WebSocketError.InvalidState, $"The WebSocket is {State}: no more messages can be sent."));
        }

        return _writeGate.TryEnterFair() ? WriteHoldingGate(null, frame, cancellationToken) : WriteWhenFreeAsync(null, frame, cancellationToken);
    }

    /// <summary>
    /// Writes a ping unless a frame is on its way (the keep-alive tries again later) or a close frame has gone out
    /// (RFC 6455 section 5.5.1). A failed write is left to the next receive or send to report.
    /// </summary>
    /// <returns>Whether the ping was handed to the transport.</returns>
    public bool TryWritePing()
    {
        if (SentCloseCode != 0 || State != TransportState.Open || !_writeGate.TryEnterFair())
        {
            return false;
        }

        if (SentCloseCode != 0)
        {
            _writeGate.Exit();
            return false;
        }

        try
        {
            var write = WriteHoldingGate(null, PingFrame, CancellationToken.None);
            if (!write.IsCompleted)
            {
                _ = ObservePingAsync(write);
            }
            else if (write.IsFaulted)
            {
                _ = write.AsTask().Exception;
            }

            return true;
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            return false;
        }
    }

    /// <summary>Sends the close frame with <paramref name="code"/> and <paramref name="reason"/>, once (section 5.5.1); later calls do nothing.</summary>
    /// <param name="code">The close code; 1005 sends a close frame without a body.</param>
    /// <param name="reason">At most 123 UTF-8 bytes (section 5.5).</param>
    /// <param name="cancellationToken">Bounds the wait for the write gate and the transport; canceling aborts the connection.</param>
    public ValueTask CloseOutputAsync(int code, string? reason, CancellationToken cancellationToken)
    {
        var state = State;
        if (state is TransportState.Aborted or TransportState.Closed || Interlocked.CompareExchange(ref _sentCloseCode, code, 0) != 0)
        {
            return default;
        }

        if (!TrySetState(TransportState.Open, TransportState.CloseSent))
        {
            TrySetState(TransportState.CloseReceived, TransportState.Closed);
        }

        Span<byte> payload = stackalloc byte[FrameHeader.MaxControlPayloadLength];
        int length = 0;
        if (code != WebSocketCloseCode.NoStatusReceived)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
            length = 2 + Encoding.UTF8.GetBytes(reason ?? string.Empty, payload.Slice(2));
        }

        return SendControlAsync(FrameHeader.Close, payload.Slice(0, length), cancellationToken);
    }

    /// <summary>Sends a control frame (a pong, a close frame).</summary>
    private ValueTask SendControlAsync(int opcode, ReadOnlySpan<byte> payload, CancellationToken cancellationToken) =>
        WriteFrameAsync(opcode, payload, rsv1: false, cancellationToken);

    /// <summary>
    /// Compresses and sends one message. The compressor's context must see messages in the order they go on the wire,
    /// so compression happens with the write gate held; when the gate is free (the usual case) that is at once, with
    /// no state machine, and the transport's write completes the send.
    /// </summary>
    private ValueTask SendCompressedAsync(Protocol.Compression.MessageCompression compression, ReadOnlyMemory<byte> payload, int opcode, CancellationToken cancellationToken) =>
        _writeGate.TryEnterFair()
            ? WriteCompressedHoldingGate(compression, payload.Span, opcode, cancellationToken)
            : SendCompressedWhenFreeAsync(compression, payload, opcode, cancellationToken);

    /// <summary>Waits for the write gate with a copy of the caller's memory (the copy is the caller's promise kept), then compresses and writes.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendCompressedWhenFreeAsync(Protocol.Compression.MessageCompression compression, ReadOnlyMemory<byte> payload, int opcode, CancellationToken cancellationToken)
    {
        int length = payload.Length;
        byte[] copy = ArrayPool<byte>.Shared.Rent(length);
        payload.Span.CopyTo(copy);
        try
        {
            await _writeGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(copy);
            throw;
        }

        ValueTask write;
        try
        {
            write = WriteCompressedHoldingGate(compression, copy.AsSpan(0, length), opcode, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }

        await write.ConfigureAwait(false);
    }

    /// <summary>Compresses <paramref name="payload"/> into a frame and writes it, with the write gate held; releases the gate when done.</summary>
    private ValueTask WriteCompressedHoldingGate(Protocol.Compression.MessageCompression compression, ReadOnlySpan<byte> payload, int opcode, CancellationToken cancellationToken)
    {
        byte[] frame;
        ReadOnlyMemory<byte> bytes;
        try
        {
            // Before the deflater, whose context a socket that ended may have disposed (the write checks again).
            ThrowIfCannotWrite(opcode);

            // The compressed payload follows room for the longest header; the header goes right before it.
            frame = compression.Deflate(payload, FrameHeader.MaxClientHeaderLength, out int length);
            bytes = PrependHeader(frame, opcode, length, rsv1: true);
        }
        catch
        {
            _writeGate.Exit();
            throw;
        }

        return WriteHoldingGate(frame, bytes, cancellationToken);
    }

    /// <summary>
    /// Writes one frame with a single write, so that a keep-alive ping only ever goes between frames. The frame is
    /// assembled before waiting for the write gate, so the payload may be transient memory; it completes without an
    /// async state machine when the transport takes it at once.
    /// </summary>
    private ValueTask WriteFrameAsync(int opcode, ReadOnlySpan<byte> payload, bool rsv1, CancellationToken cancellationToken)
    {
        if (_output is { } output && _isServer && _writeGate.TryEnterFair())
        {
            // The gate is free: the frame is written straight into the transport's pipe, with no array of its own.
            return WriteToPipeHoldingGate(output, opcode, payload, rsv1, cancellationToken);
        }

        byte[] frame = ArrayPool<byte>.Shared.Rent(FrameHeader.MaxClientHeaderLength + payload.Length);
        int headerLength = WriteHeader(frame, opcode, payload.Length, rsv1, out uint? maskKey);
        payload.CopyTo(frame.AsSpan(headerLength));
        if (maskKey is { } key)
        {
            // Section 5.3: the same XOR masks and unmasks.
            FrameHeader.Unmask(frame.AsSpan(headerLength, payload.Length), key, 0);
        }

        var bytes = frame.AsMemory(0, headerLength + payload.Length);
        return _writeGate.TryEnterFair() ? WriteHoldingGate(frame, bytes, cancellationToken) : WriteWhenFreeAsync(frame, bytes, cancellationToken);
    }

    /// <summary>
    /// Completes a frame whose <paramref name="payloadLength"/> bytes of payload lie in <paramref name="frame"/> after
    /// room for the longest header: writes the header right before the payload and masks it for a client (section 5.3).
    /// </summary>
    /// <returns>The whole frame, header and payload.</returns>
    private ReadOnlyMemory<byte> PrependHeader(byte[] frame, int opcode, int payloadLength, bool rsv1)
    {
        Span<byte> header = stackalloc byte[FrameHeader.MaxClientHeaderLength];
        int headerLength = WriteHeader(header, opcode, payloadLength, rsv1, out uint? maskKey);
        int start = FrameHeader.MaxClientHeaderLength - headerLength;
        header.Slice(0, headerLength).CopyTo(frame.AsSpan(start));
        if (maskKey is { } key)
        {
            FrameHeader.Unmask(frame.AsSpan(FrameHeader.MaxClientHeaderLength, payloadLength), key, 0);
        }

        return frame.AsMemory(start, headerLength + payloadLength);
    }

    /// <summary>Writes a frame header: a server's unmasked, a client's with a fresh masking key (section 5.3).</summary>
    private int WriteHeader(Span<byte> destination, int opcode, int payloadLength, bool rsv1, out uint? maskKey)
    {
        maskKey = null;
        if (!_isServer)
        {
            Span<byte> key = stackalloc byte[4];
            RandomNumberGenerator.Fill(key);
            maskKey = BinaryPrimitives.ReadUInt32LittleEndian(key);
        }

        return FrameHeader.Write(destination, opcode, fin: true, payloadLength, rsv1, maskKey);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteWhenFreeAsync(byte[]? frame, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _writeGate.EnterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (frame is not null)
            {
                ArrayPool<byte>.Shared.Return(frame);
            }

            throw;
        }

        await WriteHoldingGate(frame, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes one server frame (unmasked) of <paramref name="payload"/> straight into the transport's pipe with the
    /// write gate held, and flushes it; releases the gate when done, as <see cref="WriteHoldingGate"/>.
    /// </summary>
    private ValueTask WriteToPipeHoldingGate(PipeWriter output, int opcode, ReadOnlySpan<byte> payload, bool rsv1, CancellationToken cancellationToken)
    {
        ValueTask write;
        bool started = false;
        try
        {
            ThrowIfCannotWrite(opcode);
            // Asked for header and payload at once, a frame larger than the pipe pool's block (Kestrel's is 4 KiB) made
            // the pipe rent an oversized array from ArrayPool.Shared for every write, and with many connections
            // flushing at once that pool ran dry and allocated: write the payload in the blocks the pipe offers.
            var span = output.GetSpan(FrameHeader.MaxServerHeaderLength);
            int headerLength = FrameHeader.Write(span, opcode, fin: true, payload.Length, rsv1);
            int first = Math.Min(payload.Length, span.Length - headerLength);
            payload.Slice(0, first).CopyTo(span.Slice(headerLength));
            output.Advance(headerLength + first);
            started = true;
            if (first < payload.Length)
            {
                // Block by block, each asked for without a size; an empty span is refused rather than spun on.
                output.Write(payload.Slice(first));
            }

            write = Flush(output, cancellationToken);
        }
        catch
        {
            AbortIfPartlyWritten(started);
            ReleaseWrite(null);
            throw;
        }

        return Finish(null, write);
    }

    /// <summary>Encodes <paramref name="text"/> as one server text frame straight into the transport's pipe, as <see cref="WriteToPipeHoldingGate"/>.</summary>
    private ValueTask WriteTextToPipeHoldingGate(PipeWriter output, string text, out int byteCount, CancellationToken cancellationToken)
    {
        ValueTask write;
        bool started = false;
        byteCount = 0;
        try
        {
            ThrowIfCannotWrite(FrameHeader.Text);

            // The header's length follows from the payload's (RFC 6455 section 5.2): short text cannot reach 126 bytes,
            // so only longer text is counted first.
            int maxByteCount = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (maxByteCount < 126)
            {
                // At most 125 bytes, far below any pipe block: the header is written once the length is known.
                var span = output.GetSpan(2 + maxByteCount);
                byteCount = Encoding.UTF8.GetBytes(text, span.Slice(2));
                FrameHeader.Write(span, FrameHeader.Text, fin: true, byteCount);
                output.Advance(2 + byteCount);
            }
            else
            {
                byteCount = Encoding.UTF8.GetByteCount(text);
                var span = output.GetSpan(FrameHeader.MaxServerHeaderLength);
                int headerLength = FrameHeader.Write(span, FrameHeader.Text, fin: true, byteCount);
                output.Advance(headerLength);
                started = true;
                int encoded = EncodeInBlocks(output, text);
                System.Diagnostics.Debug.Assert(encoded == byteCount, "The header's length is the count of the bytes encoded after it.");
            }

            write = Flush(output, cancellationToken);
        }
        catch
        {
            AbortIfPartlyWritten(started);
            ReleaseWrite(null);
            throw;
        }

        return Finish(null, write);
    }

    /// <summary>
    /// Encodes <paramref name="text"/> as UTF-8 into <paramref name="output"/> in the blocks the pipe offers, never
    /// asking for more than one block: a larger span would be rented from <see cref="ArrayPool{T}.Shared"/> for each
    /// write (see <see cref="WriteToPipeHoldingGate"/>). A character is never split across blocks, and a lone
    /// surrogate becomes U+FFFD as <see cref="Encoding.UTF8"/> counts it.
    /// </summary>
    /// <returns>The bytes encoded.</returns>
    /// <exception cref="InvalidOperationException">The pipe gave less room than the 4 bytes asked for (a broken writer).</exception>
    private static int EncodeInBlocks(PipeWriter output, ReadOnlySpan<char> text)
    {
        int total = 0;
        while (true)
        {
            // The longest UTF-8 sequence is 4 bytes: with less room left the next character might not fit, and the
            // pipe moves on to a new block.
            var span = output.GetSpan(4);
            var status = Utf8.FromUtf16(text, span, out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            output.Advance(written);
            total += written;
            if (status == OperationStatus.Done)
            {
                return total;
            }

            if (read == 0)
            {
                // Nothing fit where 4 bytes were asked for: spinning here would hold the write gate for ever.
                throw new InvalidOperationException("The transport's pipe gave less room than it was asked for.");
            }

            text = text.Slice(read);
        }
    }

    /// <summary>
    /// After a write failed with part of its frame already in the pipe, aborts the connection: the next frame would
    /// follow a partial one and the peer could no longer find the frames' boundaries (RFC 6455 section 5.2).
    /// </summary>
    private void AbortIfPartlyWritten(bool started)
    {
        if (started)
        {
            Abort();
        }
    }

    /// <summary>Refuses a write once the socket was aborted or disposed, and a data frame once the close frame went out.</summary>
    private void ThrowIfCannotWrite(int opcode)
    {
        if (_writesEnded)
        {
            // Checked with the gate held: DisposeAsync sets this before it waits for the gate, so a writer that comes
            // after it touches neither the transport nor the deflater it frees.
            throw new WebSocketException(WebSocketError.InvalidState, State == TransportState.Aborted
                ? "The WebSocket was aborted: nothing more can be sent."
                : "The WebSocket has ended: nothing more can be sent.");
        }

        if (SentCloseCode != 0 && (opcode & 0x08) == 0)
        {
            // Checked again with the gate held: a data frame that lost the race to the close frame must not follow
            // it (RFC 6455 section 5.5.1).
            throw new WebSocketException(WebSocketError.InvalidState, "A close frame has gone out: no more messages can be sent.");
        }
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> (in <paramref name="frame"/>, rented, or null for static bytes) with the write
    /// gate held; releases both when done. A write the transport does not take at once is timed for the send timeout.
    /// </summary>
    private ValueTask WriteHoldingGate(byte[]? frame, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ValueTask write;
        try
        {
            ThrowIfCannotWrite(bytes.Span[0] & 0x0F);
            if (_output is { } output)
            {
                output.Write(bytes.Span);
                write = Flush(output, cancellationToken);
            }
            else
            {
                write = _stream.WriteAsync(bytes, cancellationToken);
            }
        }
        catch
        {
            ReleaseWrite(frame);
            throw;
        }

        return Finish(frame, write);
    }

    /// <summary>Completes a write started with the gate held: at once when the transport took it, else timed and awaited.</summary>
    private ValueTask Finish(byte[]? frame, ValueTask write)
    {
        if (write.IsCompletedSuccessfully)
        {
            write.GetAwaiter().GetResult();
            ReleaseWrite(frame);
            return default;
        }

        Volatile.Write(ref _writeWaitingSince, Math.Max(1, _clock.NowMilliseconds));
        return FinishWriteAsync(frame, write);
    }

    /// <summary>Flushes what was written to the transport's pipe; without a state machine when the flush completes at once.</summary>
    private static ValueTask Flush(PipeWriter output, CancellationToken cancellationToken)
    {
        var flush = output.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
            return default;
        }

        return AwaitFlushAsync(flush);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FinishWriteAsync(byte[]? frame, ValueTask write)
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
            Volatile.Write(ref _writeWaitingSince, 0);
            ReleaseWrite(frame);
        }
    }

    private void ReleaseWrite(byte[]? frame)
    {
        _writeGate.Exit();
        if (frame is not null)
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Observes a ping's write that the transport did not take at once, so its failure is not an unobserved exception.</summary>
    private static async Task ObservePingAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception exception) when (IsTransportFailure(exception))
        {
            // The transport failed under the ping; the connection's next receive or send reports it.
        }
    }

    /// <summary>Whether <paramref name="exception"/> is how a transport reports that the connection is gone.</summary>
    internal static bool IsTransportFailure(Exception exception) =>
        exception is WebSocketException or System.IO.IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException;
}
