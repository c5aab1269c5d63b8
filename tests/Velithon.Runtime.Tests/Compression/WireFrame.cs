using System.Buffers.Binary;

namespace Velithon.Runtime.Tests.Compression;

/// <summary>One data frame as it crosses the wire (RFC 6455 section 5.2), written or read by the tests without the runtime's own framing.</summary>
internal sealed record WireFrame(bool Fin, bool Rsv1, int Opcode, byte[] Payload)
{
    /// <summary>A server's frame: never masked.</summary>
    public static void WriteServerFrame(Stream destination, bool fin, bool rsv1, int opcode, ReadOnlySpan<byte> payload)
    {
        destination.WriteByte((byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode));
        if (payload.Length < 126)
        {
            destination.WriteByte((byte)payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination.WriteByte(126);
            Span<byte> length = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)payload.Length);
            destination.Write(length);
        }
        else
        {
            destination.WriteByte(127);
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            destination.Write(length);
        }

        destination.Write(payload);
    }

    /// <summary>Reads every frame of <paramref name="bytes"/>, unmasking the client's.</summary>
    public static List<WireFrame> ReadAll(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<WireFrame>();
        while (!bytes.IsEmpty)
        {
            bool fin = (bytes[0] & 0x80) != 0;
            bool rsv1 = (bytes[0] & 0x40) != 0;
            int opcode = bytes[0] & 0x0F;
            bool masked = (bytes[1] & 0x80) != 0;
            long length = bytes[1] & 0x7F;
            int offset = 2;
            if (length == 126)
            {
                length = BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]);
                offset = 4;
            }
            else if (length == 127)
            {
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes[2..]);
                offset = 10;
            }

            ReadOnlySpan<byte> mask = masked ? bytes.Slice(offset, 4) : default;
            offset += masked ? 4 : 0;
            byte[] payload = bytes.Slice(offset, (int)length).ToArray();
            for (int i = 0; masked && i < payload.Length; i++)
            {
                payload[i] ^= mask[i % 4];
            }

            frames.Add(new WireFrame(fin, rsv1, opcode, payload));
            bytes = bytes[(offset + (int)length)..];
        }

        return frames;
    }
}
