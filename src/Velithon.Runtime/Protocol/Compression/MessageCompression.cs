using System;
using System.Buffers;
using System.Threading;
using Velithon.Buffers;

namespace Velithon.Protocol.Compression;

/// <summary>
/// One connection's permessage-deflate (RFC 7692): the compressor of the messages this side sends and the
/// decompressor of those it receives, each with the window and context rule the handshake agreed on for its
/// direction (section 7.1). Each is created on first use, so a connection that only receives holds no compressor.
/// </summary>
/// <remarks>
/// Every use and the disposal take one lock: a connection's end may come from another thread while a send or a
/// receive is inside zlib, and the native state and the pooled buffers must not be freed under it. Once disposed,
/// every call fails with <see cref="ObjectDisposedException"/>, which the socket reports as the end of the connection.
/// </remarks>
internal sealed class MessageCompression : IDisposable
{
    private readonly int _sendWindowBits;
    private readonly bool _sendNoContextTakeover;
    private readonly int _receiveWindowBits;
    private readonly bool _receiveNoContextTakeover;
    private PerMessageDeflater? _deflater;
    private PerMessageInflater? _inflater;
    private readonly System.Threading.Lock _lock = new();
    private readonly PooledBufferWriter _deflated = new();
    private bool _disposed;
    private byte[]? _inflated;
    private int _inflatedLength;

    public MessageCompression(PerMessageDeflateParameters parameters, bool isServer)
    {
        _sendWindowBits = isServer ? parameters.ServerMaxWindowBits : parameters.ClientMaxWindowBits;
        _sendNoContextTakeover = isServer ? parameters.ServerNoContextTakeover : parameters.ClientNoContextTakeover;
        _receiveWindowBits = isServer ? parameters.ClientMaxWindowBits : parameters.ServerMaxWindowBits;
        _receiveNoContextTakeover = isServer ? parameters.ClientNoContextTakeover : parameters.ServerNoContextTakeover;
        Parameters = parameters;
    }

    /// <summary>What the handshake agreed on.</summary>
    public PerMessageDeflateParameters Parameters { get; }

    /// <summary>Checks the UTF-8 of the message inflated so far (see <see cref="FrameWebSocket.IsValidUtf8SoFar"/>).</summary>
    public bool IsValidUtf8SoFar(ref int validated, bool final)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return FrameWebSocket.IsValidUtf8SoFar(_inflated.AsSpan(0, _inflatedLength), ref validated, final);
        }
    }

    /// <summary>
    /// The most compressed bytes one frame may carry for a message within <paramref name="maxMessageSize"/>: deflate
    /// can make incompressible data a little longer (stored blocks, RFC 1951 section 3.2.4), never by more than this.
    /// </summary>
    public static long MaxCompressedFrameLength(int maxMessageSize) => maxMessageSize + (maxMessageSize >> 10) + 64;

    /// <summary>
    /// Compresses one whole message into a frame: an array rented from the shared pool, which the caller now owns,
    /// holding <paramref name="headerRoom"/> free bytes for the frame's header and then the compressed payload.
    /// </summary>
    /// <returns>The frame's array; <paramref name="length"/> is the compressed payload's length after the header room.</returns>
    public byte[] Deflate(ReadOnlySpan<byte> payload, int headerRoom, out int length)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                // Compressed straight into the frame's array, after the header room: no second buffer, no copy.
                _deflated.GetSpan(headerRoom + PerMessageDeflater.OutputSizeHint(payload.Length));
                _deflated.Advance(headerRoom);
                (_deflater ??= new PerMessageDeflater(_sendWindowBits, _sendNoContextTakeover)).Compress(payload, _deflated);
                byte[] frame = _deflated.Detach(out int written);
                length = written - headerRoom;
                return frame;
            }
            finally
            {
                // After a failure, an idle connection holds no compressed bytes either.
                _deflated.Reset();
            }
        }
    }

    /// <summary>Inflates one piece of a frame's payload onto the message so far; <see cref="InflateStatus.TooBig"/> as soon as it would pass the limit.</summary>
    public InflateStatus Inflate(ReadOnlySpan<byte> compressed, bool endOfMessage, int maxMessageSize)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return (_inflater ??= new PerMessageInflater(_receiveWindowBits, _receiveNoContextTakeover))
                .Inflate(compressed, endOfMessage, ref _inflated, ref _inflatedLength, maxMessageSize);
        }
    }

    /// <summary>Takes the whole inflated message, in an array rented from the shared pool that the caller now owns.</summary>
    public (byte[] Buffer, int Length) TakeInflated()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var result = (_inflated ?? [], _inflatedLength);
            _inflated = null;
            _inflatedLength = 0;
            return result;
        }
    }

    /// <summary>Gives back the message inflated so far when its receive failed.</summary>
    public void AbandonInflated()
    {
        if (Volatile.Read(ref _inflated) is null)
        {
            // The usual end of a receive: the message was taken (only the receive loop sets the field).
            return;
        }

        lock (_lock)
        {
            ReturnInflatedLocked();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            ReturnInflatedLocked();
            _deflated.Reset();
            _deflater?.Dispose();
            _inflater?.Dispose();
        }
    }

    private void ReturnInflatedLocked()
    {
        if (_inflated is { } buffer)
        {
            _inflated = null;
            _inflatedLength = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
