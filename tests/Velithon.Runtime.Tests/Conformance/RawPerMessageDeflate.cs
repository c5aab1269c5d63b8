using System.IO.Compression;

namespace Velithon.Runtime.Tests.Conformance;

/// <summary>
/// The raw client's side of permessage-deflate (RFC 7692), written on System.IO.Compression's DeflateStream so that the
/// suite checks Velithon's codec against an independent one. Compressing ends every frame's data with a sync flush
/// (section 7.2.1) and removes the flush's 00 00 FF FF tail from a message's last frame; inflating appends that tail
/// to a message's last frame (section 7.2.2). Each direction keeps its LZ77 window across messages unless the
/// handshake agreed on no context takeover for it (section 7.1.1).
/// </summary>
public sealed class RawPerMessageDeflate(bool compressorResetsPerMessage, bool inflaterResetsPerMessage) : IDisposable
{
    private static readonly byte[] FlushTail = [0x00, 0x00, 0xFF, 0xFF];
    private readonly MemoryStream _compressed = new();
    private readonly FeedStream _feed = new();
    private DeflateStream? _compressor;
    private DeflateStream? _inflater;

    /// <summary>Compresses one frame's worth of a message; <paramref name="endOfMessage"/> on the message's last frame.</summary>
    public byte[] Compress(ReadOnlySpan<byte> data, bool endOfMessage)
    {
        _compressor ??= new DeflateStream(_compressed, CompressionLevel.Optimal, leaveOpen: true);
        _compressed.SetLength(0);
        _compressor.Write(data);
        _compressor.Flush();
        byte[] output = _compressed.ToArray();
        if (endOfMessage && compressorResetsPerMessage)
        {
            _compressor.Dispose();
            _compressor = null;
        }

        if (!endOfMessage)
        {
            return output;
        }

        if (output.Length == 0)
        {
            // Nothing written since the last flush: section 7.2.3.6's empty message, a single 0x00 byte.
            return [0x00];
        }

        if (!output.AsSpan().EndsWith(FlushTail))
        {
            throw new InvalidOperationException("A sync flush must end with 00 00 FF FF (RFC 7692 section 7.2.1).");
        }

        return output[..^FlushTail.Length];
    }

    /// <summary>Inflates one frame of a compressed message; <paramref name="endOfMessage"/> on the message's last frame.</summary>
    public byte[] Inflate(ReadOnlySpan<byte> data, bool endOfMessage)
    {
        _inflater ??= new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true);
        _feed.Add(data);
        if (endOfMessage)
        {
            _feed.Add(FlushTail);
        }

        using var output = new MemoryStream();
        _inflater.CopyTo(output);
        if (endOfMessage && inflaterResetsPerMessage)
        {
            _inflater.Dispose();
            _inflater = null;
        }

        return output.ToArray();
    }

    public void Dispose()
    {
        _compressor?.Dispose();
        _inflater?.Dispose();
        _compressed.Dispose();
    }

    /// <summary>
    /// What the inflater reads: the compressed frames added so far. Reading past them returns 0, which DeflateStream
    /// takes as "no more input for now" and keeps its window, so the next message continues the same stream.
    /// </summary>
    private sealed class FeedStream : Stream
    {
        private readonly Queue<byte[]> _chunks = new();
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Add(ReadOnlySpan<byte> data)
        {
            if (!data.IsEmpty)
            {
                _chunks.Enqueue(data.ToArray());
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_chunks.TryPeek(out var chunk))
            {
                return 0;
            }

            int count = Math.Min(buffer.Length, chunk.Length - _offset);
            chunk.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            if (_offset == chunk.Length)
            {
                _chunks.Dequeue();
                _offset = 0;
            }

            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
