using System;
using System.Buffers;
using System.Runtime.InteropServices;

namespace Velithon.Protocol.Compression;

/// <summary>
/// Decompresses permessage-deflate messages (RFC 7692 section 7.2.2) one frame's payload at a time into a
/// buffer rented from <see cref="ArrayPool{T}.Shared"/>, stopping as soon as a message outgrows its limit.
/// Not thread-safe: one receive loop. Holds zlib's native state from construction until disposed.
/// </summary>
internal sealed unsafe class PerMessageInflater : IDisposable
{
    private const int InitialOutputLength = 256;
    private const int TrailerLength = 4;

    // The longest final frame inflated in one zlib call together with the appended marker.
    private const int SmallFrameLength = 252;

    private readonly int _windowBits;
    private readonly bool _noContextTakeover;
    private ZStream* _stream;

    // A block with BFINAL set ended the DEFLATE stream (section 7.2.3.4 lets senders end a message so);
    // zlib takes nothing more until the stream is reset at the end of the message.
    private bool _streamEnded;

    /// <param name="windowBits">
    /// The negotiated client window, 8 to 15 (RFC 7692 section 7.1.2.2). 8 inflates with 9: zlib compresses
    /// raw DEFLATE with at least 9, and older zlib turned a requested 8 into 9 silently, so a client that
    /// agreed to 8 may send distances up to 512; a larger window accepts everything a smaller one does.
    /// </param>
    /// <param name="noContextTakeover">
    /// Whether every message is inflated on its own (section 7.1.1.2): the window is then dropped after
    /// each message rather than kept for the next.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="windowBits"/> is outside 8 to 15.</exception>
    /// <exception cref="InvalidOperationException">zlib could not be initialized (out of memory).</exception>
    public PerMessageInflater(int windowBits, bool noContextTakeover)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, 15);

        _windowBits = Math.Max(windowBits, 9);
        _noContextTakeover = noContextTakeover;
        _stream = (ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(ZStream));
        int result = ZLibNative.InflateInit2(_stream, -_windowBits);
        if (result != ZLibNative.Ok)
        {
            NativeMemory.Free(_stream);
            _stream = null;
            GC.SuppressFinalize(this);
            throw new InvalidOperationException($"zlib could not start a decompressor (error {result}).");
        }
    }

    ~PerMessageInflater() => Release();

    /// <summary>The flush marker that senders remove from every message (section 7.2.1) and receivers append (section 7.2.2).</summary>
    internal static ReadOnlySpan<byte> Trailer => [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>
    /// Inflates one frame's payload of a compressed message, appending to <paramref name="output"/> at
    /// <paramref name="length"/>; at the end of the message, also the flush marker of section 7.2.2.
    /// </summary>
    /// <param name="compressed">The frame's (unmasked) payload.</param>
    /// <param name="endOfMessage">The frame has FIN set: the message is complete after it.</param>
    /// <param name="output">
    /// The message so far: <see langword="null"/> on the first frame, then rented from
    /// <see cref="ArrayPool{T}.Shared"/> and replaced by a larger one (the old returned) as it grows. The
    /// caller owns it whatever the outcome and returns it to the pool.
    /// </param>
    /// <param name="length">The bytes of <paramref name="output"/> in use: 0 on the first frame.</param>
    /// <param name="maxMessageSize">The largest inflated message accepted, in bytes.</param>
    /// <returns>
    /// <see cref="InflateStatus.TooBig"/> as soon as the message would pass <paramref name="maxMessageSize"/>
    /// (the rest is not inflated); <see cref="InflateStatus.Invalid"/> for data that is not DEFLATE. After
    /// either, the inflater's window is gone: the connection is closed, not continued.
    /// </returns>
    /// <exception cref="ObjectDisposedException">The inflater was disposed.</exception>
    public InflateStatus Inflate(ReadOnlySpan<byte> compressed, bool endOfMessage, ref byte[]? output, ref int length, int maxMessageSize)
    {
        ObjectDisposedException.ThrowIf(_stream is null, this);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        ArgumentOutOfRangeException.ThrowIfNegative(length);

        InflateStatus status;
        if (endOfMessage && compressed.Length <= SmallFrameLength)
        {
            // A small final frame goes to zlib in one call with the marker of section 7.2.2 appended, copied to the
            // stack: copying a few bytes costs less than a second pass through zlib for the four.
            Span<byte> withTrailer = stackalloc byte[SmallFrameLength + TrailerLength];
            compressed.CopyTo(withTrailer);
            Trailer.CopyTo(withTrailer.Slice(compressed.Length));
            status = InflateCore(withTrailer.Slice(0, compressed.Length + TrailerLength), allowedAfterEnd: TrailerLength, ref output, ref length, maxMessageSize);
        }
        else
        {
            status = InflateCore(compressed, allowedAfterEnd: 0, ref output, ref length, maxMessageSize);
            if (status == InflateStatus.Ok && endOfMessage)
            {
                status = InflateCore(Trailer, allowedAfterEnd: TrailerLength, ref output, ref length, maxMessageSize);
            }
        }

        if (status != InflateStatus.Ok || (endOfMessage && (_noContextTakeover || _streamEnded)))
        {
            Reset();
        }

        return status;
    }

    /// <summary>Frees zlib's state; the inflater cannot be used afterwards.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    // allowedAfterEnd: how many bytes at the end of the input are the appended marker, which may follow a final block
    // (section 7.2.3.4); anything else after that block is not DEFLATE.
    private InflateStatus InflateCore(ReadOnlySpan<byte> input, int allowedAfterEnd, ref byte[]? output, ref int length, int maxMessageSize)
    {
        if (_streamEnded)
        {
            return input.Length <= allowedAfterEnd ? InflateStatus.Ok : InflateStatus.Invalid;
        }

        // Past the limit, zlib writes into one spare byte: a byte there means the message is too big.
        byte probe;
        fixed (byte* next = input)
        {
            _stream->NextIn = next;
            _stream->AvailIn = (uint)input.Length;
            try
            {
                while (true)
                {
                    int capacity = output is null ? 0 : Math.Min(output.Length, maxMessageSize);
                    if (length == capacity && capacity < maxMessageSize)
                    {
                        capacity = Grow(ref output, length, maxMessageSize, input.Length);
                    }

                    bool probing = length == capacity;
                    int result;
                    uint room;
                    fixed (byte* destination = output)
                    {
                        _stream->NextOut = probing ? &probe : destination + length;
                        _stream->AvailOut = room = probing ? 1u : (uint)(capacity - length);
                        result = ZLibNative.Inflate(_stream, ZLibNative.SyncFlush);
                    }

                    int produced = (int)(room - _stream->AvailOut);
                    if (probing && produced > 0)
                    {
                        return InflateStatus.TooBig;
                    }

                    length += probing ? 0 : produced;
                    switch (result)
                    {
                        case ZLibNative.Ok or ZLibNative.BufError:
                            // Output left over means zlib has used up the input and written all it could.
                            if (_stream->AvailOut != 0)
                            {
                                return InflateStatus.Ok;
                            }

                            break;
                        case ZLibNative.StreamEnd:
                            _streamEnded = true;
                            return _stream->AvailIn <= (uint)allowedAfterEnd ? InflateStatus.Ok : InflateStatus.Invalid;
                        case ZLibNative.DataError:
                            return InflateStatus.Invalid;
                        default:
                            throw new InvalidOperationException($"zlib failed to decompress (error {result}).");
                    }
                }
            }
            finally
            {
                _stream->NextIn = null;
                _stream->NextOut = null;
            }
        }
    }

    /// <summary>Doubles the output (at least <see cref="InitialOutputLength"/>, at most the limit); returns the usable capacity.</summary>
    private static int Grow(ref byte[]? output, int length, int maxMessageSize, int inputLength)
    {
        int wanted = output is null
            ? Math.Max(InitialOutputLength, inputLength * 2)
            : (int)Math.Min(2L * output.Length, int.MaxValue);
        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(wanted, maxMessageSize));
        if (output is not null)
        {
            output.AsSpan(0, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(output);
        }

        output = larger;
        return Math.Min(larger.Length, maxMessageSize);
    }

    private void Reset()
    {
        _streamEnded = false;
        int result = ZLibNative.InflateReset2(_stream, -_windowBits);
        if (result != ZLibNative.Ok)
        {
            throw new InvalidOperationException($"zlib could not reset a decompressor (error {result}).");
        }
    }

    private void Release()
    {
        if (_stream is not null)
        {
            // Only a stream zlib never started fails to end, and its memory is freed either way.
            _ = ZLibNative.InflateEnd(_stream);
            NativeMemory.Free(_stream);
            _stream = null;
        }
    }
}
