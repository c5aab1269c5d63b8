using System;
using System.Buffers;
using Velithon.Buffers;

namespace Velithon.Protocol.Compression;

/// <summary>
/// One connection's permessage-deflate (RFC 7692): the compressor of the messages this side sends and the
/// decompressor of those it receives, each with the window and context rule the handshake agreed on for its
/// direction (section 7.1). Each is created on first use, so a connection that only receives holds no compressor.
/// </summary>
internal sealed class MessageCompression : IDisposable
{
    private readonly int _sendWindowBits;
    private readonly bool _sendNoContextTakeover;
    private readonly int _receiveWindowBits;
    private readonly bool _receiveNoContextTakeover;
    private PerMessageDeflater? _deflater;
    private PerMessageInflater? _inflater;
    private readonly PooledBufferWriter _deflated = new();
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

    /// <summary>The message inflated so far, for checking its UTF-8 as it arrives.</summary>
    public ReadOnlySpan<byte> InflatedSoFar => _inflated.AsSpan(0, _inflatedLength);

    /// <summary>
    /// The most compressed bytes one frame may carry for a message within <paramref name="maxMessageSize"/>: deflate
    /// can make incompressible data a little longer (stored blocks, RFC 1951 section 3.2.4), never by more than this.
    /// </summary>
    public static long MaxCompressedFrameLength(int maxMessageSize) => maxMessageSize + (maxMessageSize >> 10) + 64;

    /// <summary>Compresses one whole message; the result lies in a pooled buffer until <see cref="ReleaseDeflated"/>.</summary>
    public ReadOnlySpan<byte> Deflate(ReadOnlySpan<byte> payload)
    {
        _deflated.Reset();
        (_deflater ??= new PerMessageDeflater(_sendWindowBits, _sendNoContextTakeover)).Compress(payload, _deflated);
        return _deflated.WrittenMemory.Span;
    }

    /// <summary>Gives the last compressed message's buffer back to the pool, so an idle connection holds none.</summary>
    public void ReleaseDeflated() => _deflated.Reset();

    /// <summary>Inflates one frame's payload onto the message so far; <see cref="InflateStatus.TooBig"/> as soon as it would pass the limit.</summary>
    public InflateStatus Inflate(ReadOnlySpan<byte> compressed, bool endOfMessage, int maxMessageSize) =>
        (_inflater ??= new PerMessageInflater(_receiveWindowBits, _receiveNoContextTakeover))
            .Inflate(compressed, endOfMessage, ref _inflated, ref _inflatedLength, maxMessageSize);

    /// <summary>Takes the whole inflated message, in an array rented from the shared pool that the caller now owns.</summary>
    public (byte[] Buffer, int Length) TakeInflated()
    {
        var result = (_inflated ?? [], _inflatedLength);
        _inflated = null;
        _inflatedLength = 0;
        return result;
    }

    /// <summary>Gives back the message inflated so far when its receive failed.</summary>
    public void AbandonInflated()
    {
        if (_inflated is { } buffer)
        {
            _inflated = null;
            _inflatedLength = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        AbandonInflated();
        _deflated.Reset();
        _deflater?.Dispose();
        _inflater?.Dispose();
    }
}
