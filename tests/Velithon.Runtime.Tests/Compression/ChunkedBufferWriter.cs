using System.Buffers;

namespace Velithon.Runtime.Tests.Compression;

/// <summary>An <see cref="IBufferWriter{T}"/> that hands out fresh spans no larger than asked (or a small minimum), as a pipe's segments do; what was not advanced is lost.</summary>
internal sealed class ChunkedBufferWriter(int chunkLength) : IBufferWriter<byte>
{
    private readonly MemoryStream _written = new();
    private byte[] _chunk = [];

    public byte[] Written => _written.ToArray();

    public void Advance(int count)
    {
        _written.Write(_chunk, 0, count);
        _chunk = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        // A new array each time: bytes written but not advanced cannot survive into the next span.
        _chunk = new byte[Math.Max(sizeHint, chunkLength)];
        Array.Fill(_chunk, (byte)0xAA);
        return _chunk;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
