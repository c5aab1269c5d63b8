using System;
using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Velithon.Protocol.Compression;

/// <summary>
/// Compresses messages for permessage-deflate (RFC 7692 section 7.2.1): one raw DEFLATE stream per
/// connection, flushed at the end of every message, with the flush's trailing 0x00 0x00 0xFF 0xFF removed.
/// Not thread-safe: one sender at a time. Holds zlib's native state (a multiple of the window, plus hash
/// tables) from construction until disposed.
/// </summary>
internal sealed unsafe class PerMessageDeflater : IDisposable
{
    private const int TrailerLength = 4;

    private readonly int _flush;
    private ZStream* _stream;

    /// <param name="windowBits">The negotiated server window, 9 to 15 (RFC 7692 section 7.1.2.1); zlib cannot compress raw DEFLATE with 8.</param>
    /// <param name="noContextTakeover">Whether every message is compressed on its own (section 7.1.1.1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="windowBits"/> is outside 9 to 15.</exception>
    /// <exception cref="InvalidOperationException">zlib could not be initialized (out of memory).</exception>
    public PerMessageDeflater(int windowBits, bool noContextTakeover)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, 9);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 15);

        // A full flush ends the message exactly as a sync flush does (the same empty stored block) and also
        // empties the window, so the next message refers to nothing before it: no context takeover without
        // freeing and allocating zlib's state per message (the runtime's library exports no DeflateReset).
        _flush = noContextTakeover ? ZLibNative.FullFlush : ZLibNative.SyncFlush;
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        int result = ZLibNative.DeflateInit2(_stream, ZLibNative.DefaultCompression, ZLibNative.Deflated, -windowBits, ZLibNative.DefaultMemLevel, ZLibNative.DefaultStrategy);
        if (result != ZLibNative.Ok)
        {
            NativeMemory.Free(_stream);
            _stream = null;
            GC.SuppressFinalize(this);
            throw new InvalidOperationException($"zlib could not start a compressor (error {result}).");
        }
    }

    ~PerMessageDeflater() => Release();

    /// <summary>
    /// Writes the compressed payload of one whole message to <paramref name="output"/>: what goes in the
    /// message's data frames, which carry RSV1 on the first (RFC 7692 section 6). An empty message becomes
    /// the single byte 0x00, an empty stored block without its length (section 7.2.3.6).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The deflater was disposed.</exception>
    public void Compress(ReadOnlySpan<byte> payload, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ObjectDisposedException.ThrowIf(_stream is null, this);

        if (payload.IsEmpty)
        {
            // Nothing new for zlib to flush (a second flush in a row would be an error there); the receiver
            // appends 00 00 FF FF and reads an empty stored block, which leaves the window as it was.
            output.GetSpan(1)[0] = 0x00;
            output.Advance(1);
            return;
        }

        // The flush ends with 00 00 FF FF, which section 7.2.1 removes. When a span fills, its last four bytes
        // may be the start of that trailer, so they are held back and written again at the start of the next.
        Span<byte> carry = stackalloc byte[TrailerLength];
        int carried = 0;
        int sizeHint = OutputSizeHint(payload.Length);
        fixed (byte* input = payload)
        {
            _stream->NextIn = input;
            _stream->AvailIn = (uint)payload.Length;
            while (true)
            {
                Span<byte> span = output.GetSpan(sizeHint);
                carry[..carried].CopyTo(span);
                int result;
                fixed (byte* destination = span)
                {
                    _stream->NextOut = destination + carried;
                    _stream->AvailOut = (uint)(span.Length - carried);
                    result = ZLibNative.Deflate(_stream, _flush);
                }

                if (result is not (ZLibNative.Ok or ZLibNative.BufError))
                {
                    throw new InvalidOperationException($"zlib failed to compress (error {result}).");
                }

                int filled = span.Length - (int)_stream->AvailOut;
                if (_stream->AvailOut != 0)
                {
                    // zlib stops short of the end of the output only when everything is flushed.
                    Debug.Assert(_stream->AvailIn == 0 && filled >= TrailerLength);
                    Debug.Assert(span.Slice(filled - TrailerLength, TrailerLength).SequenceEqual(PerMessageInflater.Trailer));
                    output.Advance(filled - TrailerLength);
                    break;
                }

                span.Slice(filled - TrailerLength, TrailerLength).CopyTo(carry);
                carried = TrailerLength;
                output.Advance(filled - TrailerLength);
                sizeHint = Math.Min(sizeHint * 2, 1 << 20);
            }

            _stream->NextIn = null;
            _stream->NextOut = null;
        }
    }

    /// <summary>
    /// The room <see cref="Compress"/> first asks <c>output</c> for, for a message of <paramref name="payloadLength"/>
    /// bytes: enough for the whole compressed message unless it is long or incompressible (deflate's stored blocks add
    /// a few bytes, RFC 1951 section 3.2.4), so a writer sized for it receives the message in one span.
    /// </summary>
    public static int OutputSizeHint(int payloadLength) => Math.Clamp(payloadLength + 64, 256, 1 << 20);

    /// <summary>Frees zlib's state; the deflater cannot be used afterwards.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (_stream is not null)
        {
            // Only a stream zlib never started fails to end, and its memory is freed either way.
            _ = ZLibNative.DeflateEnd(_stream);
            NativeMemory.Free(_stream);
            _stream = null;
        }
    }
}
