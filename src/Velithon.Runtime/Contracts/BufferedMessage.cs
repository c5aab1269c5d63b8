using System;
using System.Buffers;

namespace Velithon.Contracts;

/// <summary>A message read ahead while a handler ran: its bytes copied into a pooled array, dispatched in order later.</summary>
internal readonly struct BufferedMessage
{
    private readonly byte[] _buffer;
    private readonly int _length;

    private BufferedMessage(byte[] buffer, int length, WebSocketMessageKind kind)
    {
        _buffer = buffer;
        _length = length;
        Kind = kind;
    }

    public WebSocketMessageKind Kind { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>Copies <paramref name="data"/> into a pooled array.</summary>
    public static BufferedMessage Copy(ReadOnlySpan<byte> data, WebSocketMessageKind kind)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(data.Length, 1));
        data.CopyTo(buffer);
        return new BufferedMessage(buffer, data.Length, kind);
    }

    /// <summary>Gives the array back to the pool; the message is not read again.</summary>
    public void Release() => ArrayPool<byte>.Shared.Return(_buffer);
}
