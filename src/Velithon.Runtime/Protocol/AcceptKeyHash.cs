using System;
using System.Buffers.Binary;
using System.Numerics;

namespace Velithon.Protocol;

/// <summary>
/// SHA-1 (RFC 3174) of the few bytes a Sec-WebSocket-Accept value hashes (RFC 6455 section 4.2.2: the client's key and
/// the protocol's GUID, 60 bytes). On the stack, in managed code: the platform's SHA-1 goes through OpenSSL, whose
/// per-call setup costs more than the two blocks of hashing (docs/benchmarks.md, instructions per handshake). It proves
/// only that the server read the handshake; it protects nothing, so it is no place for a general-purpose hash.
/// </summary>
internal static class AcceptKeyHash
{
    /// <summary>The size of a SHA-1 hash in bytes.</summary>
    public const int HashSizeInBytes = 20;

    /// <summary>Writes the SHA-1 of <paramref name="source"/> to the first 20 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 20 bytes.</exception>
    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < HashSizeInBytes)
        {
            throw new ArgumentException("The destination must hold 20 bytes.", nameof(destination));
        }

        // RFC 3174 section 6.1: the initial H0 to H4.
        Span<uint> state = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
        Span<uint> schedule = stackalloc uint[80];
        int whole = source.Length & ~63;
        for (int offset = 0; offset < whole; offset += 64)
        {
            Compress(source.Slice(offset, 64), state, schedule);
        }

        // RFC 3174 section 4: a 1 bit, zeros, and the length in bits as 64 bits, big-endian, filling one or two blocks.
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var rest = source.Slice(whole);
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        int tailLength = rest.Length + 1 + 8 <= 64 ? 64 : 128;
        BinaryPrimitives.WriteUInt64BigEndian(tail.Slice(tailLength - 8), (ulong)source.Length * 8);
        for (int offset = 0; offset < tailLength; offset += 64)
        {
            Compress(tail.Slice(offset, 64), state, schedule);
        }

        for (int i = 0; i < 5; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(i * 4), state[i]);
        }
    }

    /// <summary>One 64-byte block (RFC 3174 section 6.1, method 1).</summary>
    private static void Compress(ReadOnlySpan<byte> block, Span<uint> state, Span<uint> w)
    {
        for (int t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(t * 4));
        }

        for (int t = 16; t < 80; t++)
        {
            w[t] = BitOperations.RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        for (int t = 0; t < 80; t++)
        {
            uint f, k;
            if (t < 20)
            {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            }
            else if (t < 40)
            {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            }
            else if (t < 60)
            {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            }
            else
            {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }

            uint temp = BitOperations.RotateLeft(a, 5) + f + e + k + w[t];
            e = d;
            d = c;
            c = BitOperations.RotateLeft(b, 30);
            b = a;
            a = temp;
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
    }
}
