using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Threading;
using Velithon.Protocol;

namespace Velithon.Groups;

/// <summary>
/// One broadcast's message in a pooled buffer, shared by every recipient: the payload, and right before it the
/// header of the server frame that carries it, written once. A server's frames are unmasked (RFC 6455 section 5.1),
/// so every recipient without permessage-deflate writes the very same frame bytes; a compressed or resumable
/// recipient takes the payload and frames it itself. Each recipient whose send outlives the broadcast call holds a
/// reference; the last release returns the buffer to the pool.
/// </summary>
internal sealed class BroadcastPayload
{
    /// <summary>Where the payload starts in the buffer: room for the longest server header (section 5.2).</summary>
    public const int HeaderRoom = FrameHeader.MaxServerHeaderLength;

    private byte[]? _buffer;
    private readonly int _length;
    private readonly int _frameStart;
    private int _references = 1;

    /// <summary>Takes <paramref name="rentedBuffer"/>, whose <paramref name="length"/> payload bytes start at <see cref="HeaderRoom"/>, and writes the frame's header before them.</summary>
    public BroadcastPayload(byte[] rentedBuffer, int length, WebSocketMessageType messageType)
    {
        _buffer = rentedBuffer;
        _length = length;
        MessageType = messageType;

        // One unfragmented data frame (section 5.4); no RSV1, as the frame goes only to uncompressed recipients.
        Span<byte> header = stackalloc byte[HeaderRoom];
        int headerLength = FrameHeader.Write(header, messageType == WebSocketMessageType.Text ? FrameHeader.Text : FrameHeader.Binary, fin: true, length);
        _frameStart = HeaderRoom - headerLength;
        header.Slice(0, headerLength).CopyTo(rentedBuffer.AsSpan(_frameStart));
    }

    public WebSocketMessageType MessageType { get; }

    /// <summary>The payload's length in bytes.</summary>
    public int Length => _length;

    /// <summary>The payload alone.</summary>
    public ReadOnlyMemory<byte> Memory =>
        (_buffer ?? throw new ObjectDisposedException(nameof(BroadcastPayload))).AsMemory(HeaderRoom, _length);

    /// <summary>The whole unmasked server frame, header and payload, as an uncompressed recipient writes it.</summary>
    public ReadOnlyMemory<byte> Frame =>
        (_buffer ?? throw new ObjectDisposedException(nameof(BroadcastPayload))).AsMemory(_frameStart, HeaderRoom - _frameStart + _length);

    /// <summary>Rents a buffer with room for the header and <paramref name="payloadLength"/> bytes; the payload goes at <see cref="HeaderRoom"/>.</summary>
    public static byte[] Rent(int payloadLength) => ArrayPool<byte>.Shared.Rent(HeaderRoom + payloadLength);

    public static BroadcastPayload Copy(ReadOnlySpan<byte> data, WebSocketMessageType messageType)
    {
        var buffer = Rent(data.Length);
        data.CopyTo(buffer.AsSpan(HeaderRoom));
        return new BroadcastPayload(buffer, data.Length, messageType);
    }

    public void AddReference() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            var buffer = Interlocked.Exchange(ref _buffer, null);
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
