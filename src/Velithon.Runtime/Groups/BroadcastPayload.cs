using System;
using System.Buffers;
using System.Net.WebSockets;
using System.Threading;

namespace Velithon.Groups;

/// <summary>
/// One broadcast's encoded message in a pooled buffer, shared by every recipient. Each recipient whose
/// send outlives the broadcast call holds a reference; the last release returns the buffer to the pool.
/// </summary>
internal sealed class BroadcastPayload
{
    private byte[]? _buffer;
    private readonly int _length;
    private int _references = 1;

    public BroadcastPayload(byte[] rentedBuffer, int length, WebSocketMessageType messageType)
    {
        _buffer = rentedBuffer;
        _length = length;
        MessageType = messageType;
    }

    public WebSocketMessageType MessageType { get; }

    public int Length => _length;

    public ReadOnlyMemory<byte> Memory =>
        (_buffer ?? throw new ObjectDisposedException(nameof(BroadcastPayload))).AsMemory(0, _length);

    public static BroadcastPayload Copy(ReadOnlySpan<byte> data, WebSocketMessageType messageType)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(data.Length, 1));
        data.CopyTo(buffer);
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
