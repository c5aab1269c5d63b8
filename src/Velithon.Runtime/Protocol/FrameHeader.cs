using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Velithon.Protocol;

/// <summary>The header of one WebSocket frame (RFC 6455 section 5.2), and the byte-level work on frames.</summary>
internal readonly struct FrameHeader
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    /// <summary>Control frames carry at most 125 bytes (section 5.5).</summary>
    public const int MaxControlPayloadLength = 125;

    /// <summary>The longest header a server writes: 2 bytes, then a 64-bit length; a server's frames are never masked.</summary>
    public const int MaxServerHeaderLength = 10;

    /// <summary>The longest header of a client's frame: a server's and the four-byte masking key.</summary>
    public const int MaxClientHeaderLength = 14;

    private FrameHeader(bool fin, int reservedBits, int opcode, bool masked, long payloadLength, uint maskKey, int length)
    {
        Fin = fin;
        ReservedBits = reservedBits;
        Opcode = opcode;
        Masked = masked;
        PayloadLength = payloadLength;
        MaskKey = maskKey;
        Length = length;
    }

    public bool Fin { get; }

    /// <summary>RSV1 to RSV3; non-zero only with an extension that defines them, and none is negotiated here.</summary>
    public int ReservedBits { get; }

    public int Opcode { get; }

    public bool Masked { get; }

    /// <summary>The payload length as sent; a 64-bit length with its top bit set is negative here.</summary>
    public long PayloadLength { get; }

    /// <summary>The masking key as read from memory in the machine's byte order, ready for <see cref="Unmask"/>.</summary>
    public uint MaskKey { get; }

    /// <summary>The header's own length in bytes.</summary>
    public int Length { get; }

    public bool IsControl => (Opcode & 0x8) != 0;

    /// <summary>Reads a header from the start of <paramref name="data"/>; false when the data holds only part of one.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out FrameHeader header)
    {
        header = default;
        if (data.Length < 2)
        {
            return false;
        }

        byte first = data[0];
        byte second = data[1];
        bool masked = (second & 0x80) != 0;
        long payloadLength = second & 0x7F;
        int length = 2;
        if (payloadLength == 126)
        {
            if (data.Length < 4)
            {
                return false;
            }

            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2));
            length = 4;
        }
        else if (payloadLength == 127)
        {
            if (data.Length < 10)
            {
                return false;
            }

            payloadLength = BinaryPrimitives.ReadInt64BigEndian(data.Slice(2));
            length = 10;
        }

        uint maskKey = 0;
        if (masked)
        {
            if (data.Length < length + 4)
            {
                return false;
            }

            maskKey = MemoryMarshal.Read<uint>(data.Slice(length));
            length += 4;
        }

        header = new FrameHeader((first & 0x80) != 0, (first >> 4) & 0x7, first & 0x0F, masked, payloadLength, maskKey, length);
        return true;
    }

    /// <summary>
    /// Writes a frame's header (final flag, RSV1, opcode, length and, for a client's frame, the mask bit and
    /// <paramref name="maskKey"/>; RFC 6455 section 5.2) and returns its length: at most
    /// <see cref="MaxServerHeaderLength"/> bytes unmasked, <see cref="MaxClientHeaderLength"/> masked.
    /// </summary>
    /// <param name="destination">Where the header goes: at least <see cref="MaxClientHeaderLength"/> bytes.</param>
    /// <param name="opcode">The frame's opcode (section 5.2).</param>
    /// <param name="fin">Whether this is the message's final frame.</param>
    /// <param name="payloadLength">The payload's length in bytes.</param>
    /// <param name="rsv1">RSV1, set on the first frame of a compressed message (RFC 7692 section 6).</param>
    /// <param name="maskKey">The masking key of a client's frame (section 5.3); null for a server's, which are never masked.</param>
    public static int Write(Span<byte> destination, int opcode, bool fin, int payloadLength, bool rsv1 = false, uint? maskKey = null)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        byte maskBit = maskKey is null ? (byte)0 : (byte)0x80;
        int length;
        if (payloadLength < 126)
        {
            destination[1] = (byte)(maskBit | payloadLength);
            length = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = (byte)(maskBit | 126);
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), (ushort)payloadLength);
            length = 4;
        }
        else
        {
            destination[1] = (byte)(maskBit | 127);
            BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(2), (ulong)payloadLength);
            length = 10;
        }

        if (maskKey is { } key)
        {
            MemoryMarshal.Write(destination.Slice(length), key);
            length += 4;
        }

        return length;
    }

    /// <summary>
    /// Removes the client's masking (section 5.3) from <paramref name="data"/> in place; <paramref name="offset"/> is
    /// the position of <paramref name="data"/>'s first byte within the frame's payload.
    /// </summary>
    public static void Unmask(Span<byte> data, uint maskKey, long offset)
    {
        if (!BitConverter.IsLittleEndian)
        {
            UnmaskBytewise(data, maskKey, offset);
            return;
        }

        // Rotated so that the key byte for data[0] is the lowest: the key then lines up with every aligned word.
        uint key = BitOperations.RotateRight(maskKey, (int)(offset & 3) * 8);
        int i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            var mask = Vector.AsVectorByte(new Vector<uint>(key));
            for (; i <= data.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                var block = data.Slice(i, Vector<byte>.Count);
                (new Vector<byte>(block) ^ mask).CopyTo(block);
            }
        }

        ulong wideKey = key | ((ulong)key << 32);
        for (; i <= data.Length - sizeof(ulong); i += sizeof(ulong))
        {
            var word = data.Slice(i, sizeof(ulong));
            MemoryMarshal.Write(word, MemoryMarshal.Read<ulong>(word) ^ wideKey);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= (byte)(key >> ((i & 3) * 8));
        }
    }

    private static void UnmaskBytewise(Span<byte> data, uint maskKey, long offset)
    {
        Span<byte> key = stackalloc byte[4];
        MemoryMarshal.Write(key, maskKey);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] ^= key[(int)((offset + i) & 3)];
        }
    }

    /// <summary>
    /// Whether a peer may send <paramref name="code"/> in a close frame: the codes RFC 6455 section 7.4.1 defines and
    /// those the IANA WebSocket Close Code Number Registry (section 11.7) has assigned since (1012 Service Restart,
    /// 1013 Try Again Later, 1014 Bad Gateway), and 3000 to 4999 for libraries and applications (section 7.4.2).
    /// Refused: 1004 (reserved), 1005, 1006 and 1015 (never sent on the wire), 1016 to 2999 (unassigned), and any
    /// code below 1000 or above 4999.
    /// </summary>
    /// <remarks>The same rule as for the codes Velithon sends (<see cref="WebSocketCloseCode.CanBeSent"/>): what may be sent may be received.</remarks>
    public static bool IsValidCloseCode(int code) => WebSocketCloseCode.CanBeSent(code);
}
